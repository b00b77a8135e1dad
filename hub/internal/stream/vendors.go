package stream

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/logkey"
)

// Sync states of a connected system, as the tray shows them (see phv1.VendorState).
const (
	syncConfirmed = "confirmed"
	syncPending   = "pending"
	syncError     = "error"
	syncNotSynced = "not_synced"
	syncUnknown   = "unknown"
)

// vendorStates says, for each system the agent is linked in, whether it has the agent's current status.
func (s *Server) vendorStates(ctx context.Context, tenantID, agentID string, p *model.Presence) ([]*phv1.VendorState, error) {
	agent, err := s.st.GetAgent(ctx, tenantID, agentID)
	if err != nil {
		return nil, err
	}
	var out []*phv1.VendorState
	for _, id := range agent.Identities {
		conn, err := s.st.GetConnection(ctx, tenantID, id.ConnectionID)
		if err != nil {
			return nil, err
		}
		w, err := s.st.LatestWrite(ctx, tenantID, agentID, conn.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		v := &phv1.VendorState{ConnectionId: conn.ID, ConnectionName: conn.Name, Vendor: conn.Vendor}
		v.Sync, v.VendorState, v.Detail = syncOf(w, p, conn.ID)
		if v.VendorState != "" && s.opts.StateNames != nil {
			v.VendorStateName = s.opts.StateNames.StateName(ctx, conn, v.VendorState)
		}
		out = append(out, v)
	}
	return out, nil
}

// syncOf judges one system from the newest write there (nil if none) and the current presence.
func syncOf(w *model.OutboxWrite, p *model.Presence, connectionID string) (sync, vendorState, detail string) {
	fromHere := p.Source == model.SourceConnection && p.SourceID == connectionID
	switch {
	case w != nil && w.State == model.WritePending:
		return syncPending, w.VendorState, w.LastError
	case fromHere && (w == nil || w.PresenceVersion < p.Version):
		return syncConfirmed, "", ""
	case w == nil:
		return syncUnknown, "", ""
	case w.PresenceVersion < p.Version:
		// The current status maps to nothing there: the system keeps what it was last given.
		if w.State == model.WriteDelivered {
			return syncNotSynced, w.VendorState, ""
		}
		return syncNotSynced, "", ""
	case w.State == model.WriteDelivered:
		return syncConfirmed, w.VendorState, ""
	default:
		return syncError, w.VendorState, w.LastError
	}
}

// vendorRefresh coalesces refreshes per agent: at most one runs, and one more follows if asked meanwhile,
// so the last message a device gets is never older than the last outcome.
type vendorRefresh struct {
	mu    sync.Mutex
	state map[string]bool // agent → another refresh was asked while one runs
}

// refreshVendors sends the agent's devices its vendor states, off the publisher's goroutine.
func (s *Server) refreshVendors(tenantID, agentID string) {
	s.reg.mu.RLock()
	watched := len(s.reg.byAgent[agentID]) > 0
	s.reg.mu.RUnlock()
	if !watched {
		return
	}
	r := &s.vrefresh
	r.mu.Lock()
	if r.state == nil {
		r.state = map[string]bool{}
	}
	if _, running := r.state[agentID]; running {
		r.state[agentID] = true
		r.mu.Unlock()
		return
	}
	r.state[agentID] = false
	r.mu.Unlock()
	go func() {
		for {
			s.sendVendors(tenantID, agentID)
			r.mu.Lock()
			if !r.state[agentID] {
				delete(r.state, agentID)
				r.mu.Unlock()
				return
			}
			r.state[agentID] = false
			r.mu.Unlock()
		}
	}()
}

func (s *Server) sendVendors(tenantID, agentID string) {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	p, err := s.engine.Current(ctx, tenantID, agentID)
	if err == nil {
		var states []*phv1.VendorState
		if states, err = s.vendorStates(ctx, tenantID, agentID, p); err == nil && len(states) == 0 {
			return // linked nowhere: nothing to show
		}
		if err == nil {
			msg := &phv1.ServerMessage{Kind: &phv1.ServerMessage_VendorUpdate{VendorUpdate: &phv1.VendorUpdate{Vendors: states, Version: p.Version}}}
			s.reg.mu.RLock()
			conns := slices.Clone(s.reg.byAgent[agentID])
			s.reg.mu.RUnlock()
			for _, c := range conns {
				c.reply(msg)
			}
			return
		}
	}
	if ctx.Err() == nil {
		s.log.Warn("reading vendor states", slog.String(logkey.TenantID, tenantID), slog.String(logkey.AgentID, agentID), slog.Any(logkey.Error, err))
	}
}
