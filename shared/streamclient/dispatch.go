package streamclient

import (
	"log/slog"
	"slices"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/logkey"
)

// connected makes s the current connection once its snapshot arrived: the snapshot is published, the
// watched teams are subscribed to again and the queued requests are written.
func (c *Client) connected(s *session, snap *phv1.Snapshot) {
	c.mu.Lock()
	c.cur = s
	c.agentID = snap.GetAgentId()
	c.version = snap.GetPresence().GetVersion()
	c.resubscribe()
	c.mu.Unlock()
	c.log.Info("stream connected", slog.String(logkey.TenantID, snap.GetTenantId()),
		slog.String(logkey.AgentID, snap.GetAgentId()), slog.String(keyDeviceID, snap.GetDeviceId()))
	c.pub.publish(Update{State: Connected, Snapshot: snap})
	s.wake()
}

// handle acts on one message of the current connection.
func (c *Client) handle(msg *phv1.ServerMessage) {
	switch k := msg.GetKind().(type) {
	case *phv1.ServerMessage_Snapshot:
		// Not expected after the first message, but a snapshot is a snapshot.
		c.mu.Lock()
		c.agentID = k.Snapshot.GetAgentId()
		c.version = k.Snapshot.GetPresence().GetVersion()
		c.mu.Unlock()
		c.pub.publish(Update{State: Connected, Snapshot: k.Snapshot})
	case *phv1.ServerMessage_Event:
		c.events([]*phv1.PresenceEvent{k.Event})
	case *phv1.ServerMessage_Batch:
		c.events(k.Batch.GetEvents())
	case *phv1.ServerMessage_Ack:
		c.ack(k.Ack)
	case *phv1.ServerMessage_Error:
		c.refusal(k.Error)
	case *phv1.ServerMessage_TeamSnapshot:
		c.teamSnapshot(k.TeamSnapshot)
	case *phv1.ServerMessage_VendorUpdate:
		c.pub.publish(Update{State: Connected, Vendors: k.VendorUpdate})
	default:
		c.log.Debug("ignoring unknown hub message")
	}
}

func (c *Client) events(events []*phv1.PresenceEvent) {
	if len(events) == 0 {
		return
	}
	c.mu.Lock()
	for _, e := range events {
		if p := e.GetPresence(); e.GetTeamId() == "" && p.GetAgentId() == c.agentID {
			c.version = max(c.version, p.GetVersion())
		}
	}
	c.mu.Unlock()
	c.pub.publish(Update{State: Connected, Events: events})
}

// ack completes a SetStatus. A SubscribeTeam is acknowledged too, but completes with its TeamSnapshot,
// which carries no request id and may come before or after the Ack.
func (c *Client) ack(ack *phv1.Ack) {
	c.mu.Lock()
	i := slices.IndexFunc(c.sent, func(r *request) bool { return r.id == ack.GetRequestId() })
	if i < 0 || c.sent[i].kind == kindSubscribe {
		c.mu.Unlock()
		if i < 0 {
			c.log.Debug("ignoring ack of an answered or unknown request", slog.String(keyRequestID, ack.GetRequestId()))
		}
		return
	}
	r := c.answered(ack.GetRequestId())
	c.version = max(c.version, ack.GetVersion())
	c.mu.Unlock()
	r.finish(reply{ack: ack})
}

// refusal fails the request a StreamError answers. A refused subscription is not renewed any more.
func (c *Client) refusal(e *phv1.StreamError) {
	err := &StreamError{RequestID: e.GetRequestId(), Code: e.GetCode(), Reason: e.GetReason()}
	c.mu.Lock()
	r := c.answered(e.GetRequestId())
	if r != nil && r.kind == kindSubscribe {
		c.teams = slices.DeleteFunc(c.teams, func(t string) bool { return t == r.arg })
	}
	c.mu.Unlock()
	switch {
	case r == nil:
		c.log.Warn("hub reported an error", slog.String(keyRequestID, e.GetRequestId()), slog.Any(logkey.Error, err))
	case r.internal:
		c.log.Warn("hub refused to renew a team subscription", slog.String(keyTeamID, r.arg), slog.Any(logkey.Error, err))
	default:
		r.finish(reply{err: err})
	}
}

// teamSnapshot publishes a team's snapshot and completes every subscription to that team waiting for
// it; the team is then watched on every connection.
func (c *Client) teamSnapshot(ts *phv1.TeamSnapshot) {
	var done []*request
	c.mu.Lock()
	for _, r := range c.sent {
		if r.kind == kindSubscribe && r.arg == ts.GetTeamId() {
			done = append(done, r)
		}
	}
	for _, r := range done {
		c.answered(r.id)
	}
	if len(done) > 0 && !slices.Contains(c.teams, ts.GetTeamId()) {
		c.teams = append(c.teams, ts.GetTeamId())
	}
	c.mu.Unlock()
	c.pub.publish(Update{State: Connected, TeamSnapshots: []*phv1.TeamSnapshot{ts}})
	for _, r := range done {
		r.finish(reply{team: ts})
	}
}
