package vendorsync

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/shared/logkey"
)

// Lead delivers the outbox, repairs drift and polls until ctx ends — the work exactly one replica does
// (the leader; a single hub always). It first releases the writes claimed by replicas that are gone,
// and when it ends, once the writes being sent are recorded, it releases this replica's remaining
// claims (writes cut by the end of leadership) so the next leader sends them at once.
func (m *Manager) Lead(ctx context.Context) {
	m.releaseClaims(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { m.runOutbox(ctx) })
	wg.Go(func() { m.runDrift(ctx) })
	wg.Go(func() { m.runPolls(ctx) })
	wg.Wait()
	m.deliveries.Wait()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if n, err := m.st.ReleaseClaims(rctx, m.opts.Owner, m.now()); err != nil {
		m.log.Warn("releasing this replica's claimed writes", slog.Any(logkey.Error, err))
	} else if n > 0 {
		m.log.Info("released writes cut by the end of leadership", slog.Int64(logkey.Count, n))
	}
}

// releaseClaims makes the writes claimed by replicas that are gone (or by this one, left from an
// earlier term) due at once. Claims of live replicas run out by themselves.
func (m *Manager) releaseClaims(ctx context.Context) {
	owners, err := m.st.ClaimOwners(ctx)
	if err != nil {
		m.log.Warn("listing claimed writes", slog.Any(logkey.Error, err))
		return
	}
	for _, owner := range owners {
		if owner != m.opts.Owner && m.alive(ctx, owner) {
			continue
		}
		n, err := m.st.ReleaseClaims(ctx, owner, m.now())
		if err != nil {
			m.log.Warn("releasing claimed writes", slog.String(logkey.Replica, owner), slog.Any(logkey.Error, err))
			continue
		}
		m.log.Info("took over the writes a stopped replica was sending", slog.String(logkey.Replica, owner), slog.Int64(logkey.Count, n))
	}
	m.kick()
}

// alive reports whether the replica named owner still runs; unknown counts as alive.
func (m *Manager) alive(ctx context.Context, owner string) bool {
	if m.opts.Alive == nil {
		return false
	}
	ok, err := m.opts.Alive(ctx, owner)
	if err != nil {
		m.log.Warn("checking a replica", slog.String(logkey.Replica, owner), slog.Any(logkey.Error, err))
		return true
	}
	return ok
}

// claim takes w for this replica for ClaimLease; false when it is no longer due (delivered, superseded
// or claimed meanwhile) or the claim failed.
func (m *Manager) claim(ctx context.Context, w *model.OutboxWrite) bool {
	now := m.now()
	ok, err := m.st.ClaimWrite(ctx, w.ID, m.opts.Owner, now, now.Add(m.opts.ClaimLease))
	if err != nil && ctx.Err() == nil {
		m.log.Warn("claiming write", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	return ok && err == nil
}

// expectEcho notes, here and on every other replica, that w is about to be written, so that the
// vendor's notification of it is recognised as its echo wherever it arrives.
func (m *Manager) expectEcho(ctx context.Context, w *model.OutboxWrite) {
	m.echoes.expect(w.ConnectionID, w.ExternalID, w.VendorState)
	err := m.bus.Publish(ctx, bus.Event{Kind: bus.KindWriteExpected, TenantID: w.TenantID, AgentID: w.AgentID,
		ConnectionID: w.ConnectionID, ExternalID: w.ExternalID, VendorState: w.VendorState})
	if err != nil {
		m.log.Warn("announcing a write to other replicas", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
}

// answerEcho notes, here and on every other replica, that the vendor answered w at: a change it stamps
// later is no echo of w.
func (m *Manager) answerEcho(ctx context.Context, w *model.OutboxWrite, at time.Time) {
	m.echoes.answer(w.ConnectionID, w.ExternalID, w.VendorState, at)
	err := m.bus.Publish(context.WithoutCancel(ctx), bus.Event{Kind: bus.KindWriteExpected, TenantID: w.TenantID, AgentID: w.AgentID,
		ConnectionID: w.ConnectionID, ExternalID: w.ExternalID, VendorState: w.VendorState, Answered: at})
	if err != nil {
		m.log.Warn("announcing a write's answer to other replicas", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
}
