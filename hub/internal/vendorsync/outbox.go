package vendorsync

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v5"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// idleCheck bounds how long the outbox loop sleeps without a wake-up (other replicas, clock drift).
const idleCheck = time.Second

// runOutbox dispatches due writes until ctx ends. Writes of one agent and connection never overlap, so
// they reach the vendor in order; a newer write has already superseded older pending ones in the store.
func (m *Manager) runOutbox(ctx context.Context) {
	for {
		m.dispatchDue(ctx)
		wait := idleCheck
		if next, ok, err := m.st.NextDue(ctx); err == nil && ok {
			if d := next.Sub(m.now()); d < wait {
				wait = max(d, 5*time.Millisecond)
			}
		}
		t := m.opts.Clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-m.wake:
		case <-t.Chan():
		}
		t.Stop()
	}
}

func (m *Manager) dispatchDue(ctx context.Context) {
	due, err := m.st.DueWrites(ctx, m.now(), 200)
	if err != nil {
		if ctx.Err() == nil {
			m.log.Warn("reading due writes", slog.Any(logkey.Error, err))
		}
		return
	}
	for _, w := range due {
		key := w.ConnectionID + "|" + w.AgentID
		m.mu.Lock()
		busy := m.inflight[key]
		if !busy {
			m.inflight[key] = true
		}
		sem := m.sems[w.ConnectionID]
		if sem == nil {
			sem = make(chan struct{}, m.opts.Workers)
			m.sems[w.ConnectionID] = sem
		}
		m.mu.Unlock()
		if busy {
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			m.done(key) // the connection's workers are all busy: next round
			continue
		}
		m.deliveries.Go(func() {
			defer func() { <-sem; m.done(key); m.kick() }()
			m.deliver(ctx, w)
		})
	}
}

// withAgent tells the adapter whom a write is for (the generic HTTP connector's {{email}}).
func (m *Manager) withAgent(ctx context.Context, w *model.OutboxWrite) context.Context {
	if a, err := m.st.GetAgent(ctx, w.TenantID, w.AgentID); err == nil {
		return vendorapi.WithAgentEmail(ctx, a.Email)
	}
	return ctx
}

func (m *Manager) done(key string) {
	m.mu.Lock()
	delete(m.inflight, key)
	m.mu.Unlock()
}

// deliver sends one write and records the outcome.
func (m *Manager) deliver(ctx context.Context, w *model.OutboxWrite) {
	l, err := m.links.get(ctx, w.ConnectionID)
	if err == nil {
		if err = l.wait(ctx); err != nil {
			return // shutting down: the write stays pending
		}
		// The due list is a snapshot, and pacing may have made us wait: the write may have been
		// delivered or superseded since it was read. Claiming it checks that, and keeps any other
		// replica from sending it while this one does.
		if !m.claim(ctx, w) {
			return
		}
		m.expectEcho(ctx, w)
		err = l.adapter.SetState(m.withAgent(ctx, w), w.ExternalID, w.VendorState)
		if ctx.Err() == nil || !errors.Is(err, context.Canceled) {
			m.answerEcho(ctx, w, m.now())
		}
		if ra := vendorapi.RetryAfter(err); ra > 0 {
			l.pause(m.now().Add(ra))
		}
	}
	cut := ctx.Err() != nil && errors.Is(err, context.Canceled)
	ctx = context.WithoutCancel(ctx) // what the vendor answered is recorded even if leadership just ended
	now := m.now()
	vendorName := ""
	if l != nil {
		vendorName = l.conn.Vendor
	}
	if err == nil {
		if err := m.st.MarkDelivered(ctx, w.ID, now); err != nil {
			m.log.Warn("marking write delivered", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
		}
		_ = m.st.RecordSuccess(ctx, w.TenantID, w.ConnectionID, now)
		m.written(ctx, w)
		m.metrics.writes.WithLabelValues(vendorName, "delivered").Inc()
		m.metrics.latency.WithLabelValues(vendorName).Observe(now.Sub(w.CreateTime).Seconds())
		m.correct(ctx, w)
		return
	}
	if cut {
		return // stopped mid-send: the claim is released for the next leader
	}
	if be, ok := vendorapi.Busy(err); ok {
		m.held(ctx, w, vendorName, be)
		return
	}
	attempts := w.Attempts + 1
	dead := vendorapi.Permanent(err) || int(attempts) >= m.opts.MaxAttempts
	next := now.Add(max(m.backoff(attempts), vendorapi.RetryAfter(err)))
	if err := m.st.MarkFailed(ctx, w.ID, attempts, next, err.Error(), dead, now); err != nil {
		m.log.Warn("marking write failed", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	_ = m.st.RecordError(ctx, w.TenantID, w.ConnectionID, err.Error(), now)
	m.written(ctx, w)
	result := "retry"
	if dead {
		result = "dead"
	}
	m.metrics.writes.WithLabelValues(vendorName, result).Inc()
	m.log.Warn("vendor write failed", slog.String(logkey.WriteID, w.ID), slog.String(logkey.Connection, w.ConnectionID),
		slog.String(logkey.AgentID, w.AgentID), slog.Int(logkey.Attempt, int(attempts)), slog.String(logkey.Result, result), slog.Any(logkey.Error, err))
}

// written tells the agent's devices that a write's outcome changed (confirmed, retrying, held, dead).
func (m *Manager) written(ctx context.Context, w *model.OutboxWrite) {
	_ = m.bus.Publish(ctx, bus.Event{Kind: bus.KindWrite, TenantID: w.TenantID, AgentID: w.AgentID})
}

// held records a write the vendor will not take now because the agent is busy there (on a call,
// offline). It waits — tried again at the poll pace, the attempt not counted, never dead-lettered for
// it — or, when the adapter says so, is dropped (dead). Either way its last error says which and why,
// and the agent's timeline shows it with the change that caused it.
func (m *Manager) held(ctx context.Context, w *model.OutboxWrite, vendorName string, be *vendorapi.BusyError) {
	now := m.now()
	msg, result := "waiting: "+be.Reason+"; written when that ends", "waiting"
	if be.Drop {
		msg, result = "dropped: "+be.Reason, "dropped"
	}
	if err := m.st.MarkFailed(ctx, w.ID, w.Attempts, now.Add(m.opts.PollInterval), msg, be.Drop, now); err != nil {
		m.log.Warn("marking write held", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	m.written(ctx, w)
	m.metrics.writes.WithLabelValues(vendorName, result).Inc()
	m.log.Info("vendor write held: agent busy in the vendor", slog.String(logkey.WriteID, w.ID), slog.String(logkey.Connection, w.ConnectionID),
		slog.String(logkey.AgentID, w.AgentID), slog.String(logkey.Result, result), slog.String(logkey.Error, be.Reason))
}

// correct follows up a write that the hub's status overtook while it was on its way (for instance the
// vendor reported its own change meanwhile, so no newer write was planned there): if the status now maps
// to another state on this connection and nothing newer is queued, that state is written too. The
// newest status wins everywhere, and the vendor never keeps a stale write.
func (m *Manager) correct(ctx context.Context, w *model.OutboxWrite) {
	cur, err := m.engine.Current(ctx, w.TenantID, w.AgentID)
	if err != nil || cur.Version <= w.PresenceVersion {
		return
	}
	agent, err := m.st.GetAgent(ctx, w.TenantID, w.AgentID)
	if err != nil {
		return
	}
	_, rule, err := m.router.Rule(ctx, w.ConnectionID, agent)
	if err != nil {
		return
	}
	want, ok := m.router.Want(ctx, w.TenantID, rule, cur.Status)
	if !ok || want == w.VendorState {
		return
	}
	if pending, err := m.st.HasPendingWrite(ctx, w.AgentID, w.ConnectionID); err != nil || pending {
		return
	}
	m.log.Debug("status overtook a write on its way; writing the current one", slog.String(logkey.WriteID, w.ID), slog.String(logkey.State, want))
	m.enqueue(ctx, w.ConnectionID, w.ExternalID, cur, rule, want)
}

// enqueue queues a write outside a presence change (corrections, reassertions, drift repair).
func (m *Manager) enqueue(ctx context.Context, connectionID, externalID string, p *model.Presence, rule *model.Rule, state string) {
	now := m.now()
	if err := m.st.EnqueueWrites(ctx, []*model.OutboxWrite{{
		ID: ids.New(ids.Write), TenantID: p.TenantID, ConnectionID: connectionID, AgentID: p.AgentID, ExternalID: externalID,
		Status: p.Status, VendorState: state, PresenceVersion: p.Version, RuleID: rule.ID, NextAttemptTime: now, CreateTime: now,
	}}); err != nil {
		m.log.Warn("queueing vendor write", slog.String(logkey.Connection, connectionID), slog.String(logkey.AgentID, p.AgentID), slog.Any(logkey.Error, err))
		return
	}
	m.kick()
}

// backoff is the delay before attempt n+1: exponential from MinBackoff, capped, with ±50% jitter.
func (m *Manager) backoff(attempts int32) time.Duration {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval, b.MaxInterval, b.Multiplier, b.RandomizationFactor = m.opts.MinBackoff, m.opts.MaxBackoff, 2, 0.5
	d := b.NextBackOff()
	for i := int32(1); i < attempts; i++ {
		d = b.NextBackOff()
	}
	if d <= 0 {
		d = m.opts.MaxBackoff
	}
	return d
}
