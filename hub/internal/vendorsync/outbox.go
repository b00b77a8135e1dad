package vendorsync

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// Outbox delivers the writes the Router planned and the other parts queued (corrections, reassertions,
// drift repairs): claimed for this replica, paced per connection, retried with backoff and jitter,
// honouring Retry-After, held while the agent is busy in the vendor, dead-lettered after a bounded
// number of attempts; each delivery is recorded, announced as an expected echo and, when the hub's
// status overtook it meanwhile, corrected. Run is the leader's work.
type Outbox struct {
	st      Store
	conns   *connections
	echoes  *echoes
	router  *Router
	engine  *presence.Engine
	bus     bus.Bus
	metrics *Metrics
	log     *slog.Logger
	clock   clock.Clock

	maxAttempts            int
	minBackoff, maxBackoff time.Duration
	workers                int
	heldRetry              time.Duration // when a write held by a busy agent is tried again (the poll pace)
	owner                  string
	replicaAlive           func(ctx context.Context, owner string) (bool, error)
	claimLease             time.Duration

	wake     chan struct{}
	mu       sync.Mutex
	inflight map[string]bool // connection|agent with a write being sent
	sems     map[string]chan struct{}
	// deliveries tracks the writes being sent, so leadership ends only once they are recorded.
	deliveries sync.WaitGroup
}

// now is the time on the outbox's clock, in UTC.
func (o *Outbox) now() time.Time { return o.clock.Now().UTC() }

// Kick wakes the outbox loop (writes were queued or put back).
func (o *Outbox) Kick() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run delivers the outbox until ctx ends — the work exactly one replica does (the leader; a single hub
// always). It first releases the writes claimed by replicas that are gone, and when it ends, once the
// writes being sent are recorded, it releases this replica's remaining claims (writes cut by the end of
// leadership) so the next leader sends them at once.
func (o *Outbox) Run(ctx context.Context) {
	o.releaseClaims(ctx)
	o.loop(ctx)
	o.deliveries.Wait()
	o.releaseOwnClaims(ctx)
}

// idleCheck bounds how long the outbox loop sleeps without a wake-up (other replicas, clock drift).
const idleCheck = time.Second

// loop dispatches due writes until ctx ends. Writes of one agent and connection never overlap, so
// they reach the vendor in order; a newer write has already superseded older pending ones in the store.
func (o *Outbox) loop(ctx context.Context) {
	for {
		o.dispatchDue(ctx)
		wait := idleCheck
		if next, ok, err := o.st.NextDue(ctx); err == nil && ok {
			if d := next.Sub(o.now()); d < wait {
				wait = max(d, 5*time.Millisecond)
			}
		}
		t := o.clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-o.wake:
		case <-t.Chan():
		}
		t.Stop()
	}
}

func (o *Outbox) dispatchDue(ctx context.Context) {
	due, err := o.st.DueWrites(ctx, o.now(), 200)
	if err != nil {
		if ctx.Err() == nil {
			o.log.Warn("reading due writes", slog.Any(logkey.Error, err))
		}
		return
	}
	for _, w := range due {
		key := w.ConnectionID + "|" + w.AgentID
		o.mu.Lock()
		busy := o.inflight[key]
		if !busy {
			o.inflight[key] = true
		}
		sem := o.sems[w.ConnectionID]
		if sem == nil {
			sem = make(chan struct{}, o.workers)
			o.sems[w.ConnectionID] = sem
		}
		o.mu.Unlock()
		if busy {
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			o.done(key) // the connection's workers are all busy: next round
			continue
		}
		o.deliveries.Go(func() {
			defer func() { <-sem; o.done(key); o.Kick() }()
			o.deliver(ctx, w)
		})
	}
}

// withAgent tells the adapter whom a write is for (the generic HTTP connector's {{email}}).
func (o *Outbox) withAgent(ctx context.Context, w *model.OutboxWrite) context.Context {
	if a, err := o.st.GetAgent(ctx, w.TenantID, w.AgentID); err == nil {
		return vendorapi.WithAgentEmail(ctx, a.Email)
	}
	return ctx
}

func (o *Outbox) done(key string) {
	o.mu.Lock()
	delete(o.inflight, key)
	o.mu.Unlock()
}

// deliver sends one write and records the outcome.
func (o *Outbox) deliver(ctx context.Context, w *model.OutboxWrite) {
	l, err := o.conns.get(ctx, w.ConnectionID)
	if err == nil {
		if err = l.wait(ctx); err != nil {
			return // shutting down: the write stays pending
		}
		// The due list is a snapshot, and pacing may have made us wait: the write may have been
		// delivered or superseded since it was read. Claiming it checks that, and keeps any other
		// replica from sending it while this one does.
		if !o.claim(ctx, w) {
			return
		}
		agentCtx := o.withAgent(ctx, w) // read once, for the condition's read and the write
		down, why, cerr := o.standsDown(agentCtx, l, w)
		switch {
		case cerr != nil && ctx.Err() != nil:
			return // shutting down: the claim is released for the next leader
		case cerr != nil:
			o.conditionUnread(context.WithoutCancel(ctx), w, cerr)
			return
		case down:
			o.stoodDown(context.WithoutCancel(ctx), w, l.conn.Vendor, why)
			return
		case w.IfState != "":
			if err = l.wait(ctx); err != nil {
				return // the read spent the pace's slot; shutting down meanwhile
			}
		}
		o.expectEcho(ctx, w)
		err = l.adapter.SetState(agentCtx, w.ExternalID, w.VendorState)
		if ctx.Err() == nil || !errors.Is(err, context.Canceled) {
			o.answerEcho(ctx, w, o.now(), timedOut(err))
		}
		if ra := vendorapi.RetryAfter(err); ra > 0 {
			l.pause(o.now().Add(ra))
		}
	}
	cut := ctx.Err() != nil && errors.Is(err, context.Canceled)
	ctx = context.WithoutCancel(ctx) // what the vendor answered is recorded even if leadership just ended
	now := o.now()
	vendorName := ""
	if l != nil {
		vendorName = l.conn.Vendor
	}
	if err == nil {
		if err := o.st.MarkDelivered(ctx, w.ID, now); err != nil {
			o.log.Warn("marking write delivered", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
		}
		_ = o.st.RecordSuccess(ctx, w.TenantID, w.ConnectionID, now)
		o.written(ctx, w)
		o.metrics.writes.WithLabelValues(vendorName, "delivered").Inc()
		o.metrics.latency.WithLabelValues(vendorName).Observe(now.Sub(w.CreateTime).Seconds())
		o.correct(ctx, w)
		return
	}
	if cut {
		return // stopped mid-send: the claim is released for the next leader
	}
	if be, ok := vendorapi.Busy(err); ok {
		o.held(ctx, w, vendorName, be)
		return
	}
	attempts := w.Attempts + 1
	dead := vendorapi.Permanent(err) || int(attempts) >= o.maxAttempts
	next := now.Add(max(o.backoff(attempts), vendorapi.RetryAfter(err)))
	if err := o.st.MarkFailed(ctx, w.ID, attempts, next, err.Error(), dead, now); err != nil {
		o.log.Warn("marking write failed", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	_ = o.st.RecordError(ctx, w.TenantID, w.ConnectionID, err.Error(), now)
	o.written(ctx, w)
	result := "retry"
	if dead {
		result = "dead"
	}
	o.metrics.writes.WithLabelValues(vendorName, result).Inc()
	o.log.Warn("vendor write failed", slog.String(logkey.WriteID, w.ID), slog.String(logkey.Connection, w.ConnectionID),
		slog.String(logkey.AgentID, w.AgentID), slog.Int(logkey.Attempt, int(attempts)), slog.String(logkey.Result, result), slog.Any(logkey.Error, err))
}

// written tells the agent's devices that a write's outcome changed (confirmed, retrying, held, dead).
func (o *Outbox) written(ctx context.Context, w *model.OutboxWrite) {
	_ = o.bus.Publish(ctx, bus.Event{Kind: bus.KindWrite, TenantID: w.TenantID, AgentID: w.AgentID})
}

// held records a write the vendor will not take now because the agent is busy there (on a call,
// offline). It waits — tried again at the poll pace, the attempt not counted, never dead-lettered for
// it — or, when the adapter says so, is dropped (dead). Either way its last error says which and why,
// and the agent's timeline shows it with the change that caused it.
func (o *Outbox) held(ctx context.Context, w *model.OutboxWrite, vendorName string, be *vendorapi.BusyError) {
	now := o.now()
	msg, result := "waiting: "+be.Reason+"; written when that ends", "waiting"
	if be.Drop {
		msg, result = "dropped: "+be.Reason, "dropped"
	}
	if err := o.st.MarkFailed(ctx, w.ID, w.Attempts, now.Add(o.heldRetry), msg, be.Drop, now); err != nil {
		o.log.Warn("marking write held", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	o.written(ctx, w)
	o.metrics.writes.WithLabelValues(vendorName, result).Inc()
	o.log.Info("vendor write held: agent busy in the vendor", slog.String(logkey.WriteID, w.ID), slog.String(logkey.Connection, w.ConnectionID),
		slog.String(logkey.AgentID, w.AgentID), slog.String(logkey.Result, result), slog.String(logkey.Error, be.Reason))
}

// correct follows up a write that the hub's status overtook while it was on its way (for instance the
// vendor reported its own change meanwhile, so no newer write was planned there): if the status now maps
// to another state on this connection and nothing newer is queued, that state is written too. The
// newest status wins everywhere, and the vendor never keeps a stale write.
func (o *Outbox) correct(ctx context.Context, w *model.OutboxWrite) {
	cur, err := o.engine.Current(ctx, w.TenantID, w.AgentID)
	if err != nil || cur.Version <= w.PresenceVersion {
		return
	}
	agent, err := o.st.GetAgent(ctx, w.TenantID, w.AgentID)
	if err != nil {
		return
	}
	_, rule, err := o.router.Rule(ctx, w.ConnectionID, agent)
	if err != nil {
		return
	}
	want, ok := o.router.Want(ctx, w.TenantID, rule, cur.Status)
	if !ok || want == w.VendorState {
		return
	}
	if pending, err := o.st.HasPendingWrite(ctx, w.AgentID, w.ConnectionID); err != nil || pending {
		return
	}
	o.log.Debug("status overtook a write on its way; writing the current one", slog.String(logkey.WriteID, w.ID), slog.String(logkey.State, want))
	o.enqueue(ctx, w.ConnectionID, w.ExternalID, cur, rule, want)
}

// enqueue queues a write outside a presence change (corrections, reassertions, drift repair).
func (o *Outbox) enqueue(ctx context.Context, connectionID, externalID string, p *model.Presence, rule *model.Rule, state string) {
	now := o.now()
	if err := o.st.EnqueueWrites(ctx, []*model.OutboxWrite{{
		ID: ids.New(ids.Write), TenantID: p.TenantID, ConnectionID: connectionID, AgentID: p.AgentID, ExternalID: externalID,
		Status: p.Status, VendorState: state, PresenceVersion: p.Version, RuleID: rule.ID, NextAttemptTime: now, CreateTime: now,
	}}); err != nil {
		o.log.Warn("queueing vendor write", slog.String(logkey.Connection, connectionID), slog.String(logkey.AgentID, p.AgentID), slog.Any(logkey.Error, err))
		return
	}
	o.Kick()
}

// backoff is the delay before attempt n+1: exponential from MinBackoff, capped, with ±50% jitter.
func (o *Outbox) backoff(attempts int32) time.Duration {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval, b.MaxInterval, b.Multiplier, b.RandomizationFactor = o.minBackoff, o.maxBackoff, 2, 0.5
	d := b.NextBackOff()
	for i := int32(1); i < attempts; i++ {
		d = b.NextBackOff()
	}
	if d <= 0 {
		d = o.maxBackoff
	}
	return d
}
