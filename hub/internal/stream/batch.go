package stream

import "fmt"

// A batch frame carries consecutive events queued for one connection as one message.
const (
	batchPrefix = `{"batch":{"events":[`
	batchSuffix = `]}}`
)

// encodeBatch encodes a batch (see appendBatch) into a buffer from framePool, for recycleFrame once
// written.
func (c *conn) encodeBatch(ctl []byte, batch []outMsg) (*[]byte, error) {
	buf := framePool.Get().(*[]byte)
	out, err := c.appendBatch((*buf)[:0], ctl, batch)
	*buf = out
	if err != nil {
		recycleFrame(buf)
		return nil, err
	}
	return buf, nil
}

// appendBatch appends what a writer took from the queue to b as frames: the control frames due first,
// then the messages in order, consecutive events as one batch frame. Events the client already has
// (from its snapshot, or a newer event) are left out. Writer only.
func (c *conn) appendBatch(b, ctl []byte, batch []outMsg) ([]byte, error) {
	b = append(b, ctl...)
	var room [8]outMsg
	events := room[:0]
	for _, m := range batch {
		if m.msg == nil {
			if m.version > c.lastSent(m.team, m.agent) {
				c.markSent(m.team, m.agent, m.version)
				events = append(events, m)
			}
			continue
		}
		b, events = appendEvents(b, events), events[:0]
		if ts := m.msg.GetTeamSnapshot(); ts != nil {
			for _, p := range ts.GetPresences() {
				c.markSent(ts.GetTeamId(), p.GetAgentId(), p.GetVersion())
			}
		}
		data, err := encodeServerMessage(m.msg)
		if err != nil {
			return b, fmt.Errorf("encoding a server message: %w", err)
		}
		b = appendFrame(b, opText, data)
	}
	return appendEvents(b, events), nil
}

// appendEvents appends events as frames: one as a message of its own, several as one batch.
func appendEvents(b []byte, events []outMsg) []byte {
	switch len(events) {
	case 0:
		return b
	case 1:
		if events[0].frame != nil {
			return append(b, events[0].frame...)
		}
		return appendFrame(b, opText, events[0].event)
	}
	n := len(batchPrefix) + len(batchSuffix) + len(events) - 1
	for _, e := range events {
		n += len(eventBody(e.event))
	}
	b = append(appendFrameHeader(b, opText, n), batchPrefix...)
	for i, e := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, eventBody(e.event)...)
	}
	return append(b, batchSuffix...)
}

// viewKey names an agent in a team view.
type viewKey struct{ team, agent string }

// lastSent is the newest version of an agent sent in a view: its own ("" team) or a team's.
func (c *conn) lastSent(team, agent string) int64 {
	if team == "" {
		return c.ownSent
	}
	return c.teamSent[viewKey{team, agent}]
}

func (c *conn) markSent(team, agent string, version int64) {
	if team == "" {
		c.ownSent = version
		return
	}
	if c.teamSent == nil {
		c.teamSent = map[viewKey]int64{}
	}
	c.teamSent[viewKey{team, agent}] = version
}
