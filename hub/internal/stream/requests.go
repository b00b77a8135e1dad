package stream

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/protoconv"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// reader handles client requests until the connection ends. Every way a connection ends closes the
// socket, which ends the read; a context that is never cancelled spares the websocket library a
// cancellation hook per read.
func (c *conn) reader() {
	for {
		if c.sock != nil && !c.awaitMessage() {
			return
		}
		if !c.readMessage() {
			return
		}
	}
}

// readBufs hold client messages while they are decoded (a request is a few dozen bytes; the read
// limit caps one at 64 KB).
var readBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readMessage reads one message through the websocket library and hands the request on. It reports
// false once the connection has ended.
func (c *conn) readMessage() bool {
	typ, r, err := c.ws.Reader(context.Background())
	if err != nil {
		return false
	}
	buf := readBufs.Get().(*bytes.Buffer)
	defer readBufs.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return false // over the read limit, or the connection ended: the library has closed it
	}
	var m phv1.ClientMessage // holds no reference to buf once decoded
	if typ != websocket.MessageText || decodeClientMessage(buf.Bytes(), &m) != nil {
		c.reply(streamError("", "invalid", "expected a ClientMessage as protojson text"))
		return true
	}
	switch k := m.GetKind().(type) {
	case *phv1.ClientMessage_SetStatus:
		c.s.work.do(func() { c.setStatus(k.SetStatus) })
	case *phv1.ClientMessage_SubscribeTeam:
		c.s.work.do(func() { c.subscribeTeam(k.SubscribeTeam) })
	default:
		c.reply(streamError("", "invalid", "empty message"))
	}
	return true
}

func (c *conn) setStatus(req *phv1.SetStatus) {
	c.hold()
	defer c.release()
	if !c.who.device() {
		c.reply(streamError(req.GetRequestId(), "forbidden", "only an agent's device can set its status"))
		return
	}
	res, err := c.s.engine.Apply(c.ctx, presence.Request{
		TenantID: c.who.tenantID, AgentID: c.who.agentID, Status: req.GetStatus(),
		Source: model.SourceDevice, SourceID: c.who.deviceID,
	})
	if err != nil {
		code := "internal"
		switch {
		case errors.Is(err, presence.ErrUnknownStatus):
			code = "unknown_status"
		case errors.Is(err, presence.ErrNotSettable):
			code = "not_settable"
		case errors.Is(err, presence.ErrBlocked):
			code = "blocked"
		case errors.Is(err, presence.ErrNoPrevious):
			code = "invalid"
		case errors.Is(err, store.ErrNotFound):
			code = "not_found"
		}
		reason := err.Error()
		if code == "internal" {
			reason = "the hub could not apply the change; try again"
		}
		c.reply(streamError(req.GetRequestId(), code, reason))
		return
	}
	c.reply(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{
		RequestId: req.GetRequestId(), Version: res.Presence.Version, Outcome: res.Outcome, Reason: res.Reason,
	}}})
}

func (c *conn) subscribeTeam(req *phv1.SubscribeTeam) {
	if !c.who.supervisor {
		c.reply(streamError(req.GetRequestId(), "forbidden", "only supervisors can watch a team"))
		return
	}
	if _, err := c.s.st.GetTeam(c.ctx, c.who.tenantID, req.GetTeamId()); err != nil {
		c.reply(streamError(req.GetRequestId(), "not_found", "no such team"))
		return
	}
	c.s.reg.subscribeTeam(c, req.GetTeamId()) // before reading, so no change falls between
	snap, err := c.teamSnapshot(c.ctx, req.GetTeamId())
	if err != nil {
		c.reply(streamError(req.GetRequestId(), "internal", "could not read the team"))
		return
	}
	snap.RequestId = req.GetRequestId()
	c.reply(&phv1.ServerMessage{Kind: &phv1.ServerMessage_TeamSnapshot{TeamSnapshot: snap}})
	c.reply(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: req.GetRequestId(), Outcome: "subscribed"}}})
	// A change that landed between reading the team and queueing its snapshot may sit in the queue
	// ahead of the snapshot; read again and queue anything newer, so the client ends up current.
	again, err := c.teamSnapshot(c.ctx, req.GetTeamId())
	if err != nil {
		return
	}
	sent := make(map[string]int64, len(snap.GetPresences()))
	for _, p := range snap.GetPresences() {
		sent[p.GetAgentId()] = p.GetVersion()
	}
	for _, p := range again.GetPresences() {
		if v, ok := sent[p.GetAgentId()]; !ok || p.GetVersion() > v {
			if data, err := encodeEvent(&phv1.PresenceEvent{Presence: p, TeamId: req.GetTeamId()}); err == nil {
				c.enqueue(outMsg{event: data, team: req.GetTeamId(), agent: p.GetAgentId(), version: p.GetVersion()})
			}
		}
	}
}

func streamError(requestID, code, reason string) *phv1.ServerMessage {
	return &phv1.ServerMessage{Kind: &phv1.ServerMessage_Error{Error: &phv1.StreamError{RequestId: requestID, Code: code, Reason: reason}}}
}

// snapshot is everything the client shows on connect.
func (c *conn) snapshot(ctx context.Context) (*phv1.Snapshot, error) {
	snap := &phv1.Snapshot{TenantId: c.who.tenantID, AgentId: c.who.agentID, DeviceId: c.who.deviceID, Supervisor: c.who.supervisor}
	if !c.who.device() {
		return snap, nil
	}
	p, err := c.s.engine.Current(ctx, c.who.tenantID, c.who.agentID)
	if err != nil {
		return nil, err
	}
	snap.Presence = protoconv.Presence(p, c.s.engine.Kind(ctx, p.TenantID, p.Status))
	snap.BlockedReason = c.s.engine.Blocked(ctx, p)
	settable, err := c.s.engine.Settable(ctx, c.who.tenantID)
	if err != nil {
		return nil, err
	}
	for _, st := range settable {
		snap.SettableStatuses = append(snap.SettableStatuses, protoconv.Status(st))
	}
	if snap.Vendors, err = c.s.vendorStates(ctx, c.who.tenantID, c.who.agentID, p); err != nil {
		return nil, err
	}
	return snap, nil
}

// teamSnapshot is every agent of a team with its presence.
func (c *conn) teamSnapshot(ctx context.Context, teamID string) (*phv1.TeamSnapshot, error) {
	snap := &phv1.TeamSnapshot{TeamId: teamID}
	p := store.Page{Size: store.MaxPageSize}
	for {
		agents, next, err := c.s.st.ListAgents(ctx, c.who.tenantID, teamID, p)
		if err != nil {
			return nil, err
		}
		for _, a := range agents {
			pr, err := c.s.engine.Current(ctx, c.who.tenantID, a.ID)
			if err != nil {
				return nil, err
			}
			snap.Presences = append(snap.Presences, protoconv.Presence(pr, c.s.engine.Kind(ctx, pr.TenantID, pr.Status)))
		}
		if next == "" {
			return snap, nil
		}
		p.Token = next
	}
}
