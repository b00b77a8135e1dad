package presence

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// A change over the agent's rate is held: stored (store.HeldChanges) before it is answered "coalesced",
// replaced by a later one, and applied by a flush when the rate allows, which deletes it in the
// transaction of the change. What the engine acknowledged therefore survives a crash: Run restores the
// stored holds on start.

// hold keeps req as the agent's held change (replacing any held before) and answers "coalesced" once it
// is stored.
func (e *Engine) hold(ctx context.Context, req Request, perMin int, cur *model.Presence) (*Result, error) {
	now := e.now()
	h := &heldChange{id: ids.New(ids.Hold), req: req, due: e.flows.due(req.AgentID, perMin), since: now, owed: owedAfter(e.flows.peek(req.AgentID), req)}
	// Not abandoned on the caller's cancel: a hold stored but unknown here would wait for a restart.
	if err := e.st.HoldChange(context.WithoutCancel(ctx), &store.HeldChange{
		ID: h.id, TenantID: req.TenantID, AgentID: req.AgentID, Status: req.Status, Source: req.Source, SourceID: req.SourceID,
		Reason: req.Reason, RuleID: req.RuleID, SourceState: req.VendorState, DueTime: h.due, CreateTime: now, Owed: h.owed,
	}); err != nil {
		return nil, err
	}
	e.flows.hold(req.AgentID, perMin, h, func() { e.flush(req.AgentID) })
	return &Result{Presence: cur, Outcome: OutcomeCoalesced}, nil
}

// flushRetry is how long a held change waits after its flush failed for a reason other than a lost race.
const flushRetry = time.Second

// flush applies the latest change that arrived while the agent was over its rate. It takes the held
// change under the agent's lock, so it cannot overtake or be overtaken by a newer request; it keeps it
// held until applied, so a request arriving meanwhile replaces it rather than going first.
func (e *Engine) flush(agentID string) {
	for attempt := 0; ; attempt++ {
		err := e.flushOnce(e.life, agentID)
		if errors.Is(err, store.ErrVersionRace) && attempt < maxConflicts {
			if e.backoff(e.life, attempt) != nil {
				return
			}
			continue
		}
		if err != nil && e.life.Err() == nil {
			e.log.Warn("applying coalesced change; trying again", slog.String(logkey.AgentID, agentID), slog.Any(logkey.Error, err))
			e.flows.retry(agentID, flushRetry, func() { e.flush(agentID) })
		}
		return
	}
}

// flushOnce applies the agent's held change, if any, under the agent's lock. A change the rules now
// refuse (the catalog changed, a system state refuses it), one that a newer change overtook, and one
// already applied elsewhere are resolved as well: the hold is deleted, not tried again.
func (e *Engine) flushOnce(ctx context.Context, agentID string) error {
	mu := e.lock(agentID)
	mu.Lock()
	defer mu.Unlock()
	h := e.flows.peek(agentID)
	if h == nil {
		return nil
	}
	agent, err := e.st.GetAgent(ctx, h.req.TenantID, agentID)
	var res *Result
	if err == nil {
		res, err = e.apply(ctx, agent, h.req, h)
	}
	switch {
	case err == nil && res.Outcome != OutcomeUnchanged:
		// Saved; the hold was deleted in the change's transaction.
		e.flows.spend(agentID)
	case err == nil || errors.Is(err, store.ErrNotFound) || isRefusal(err):
		if err != nil {
			e.log.Info("coalesced change not applied", slog.String(logkey.AgentID, agentID), slog.Any(logkey.Error, err))
		}
		writes, werr := e.owedWrites(ctx, agent, h, res, err)
		if werr != nil {
			return werr
		}
		if err := e.st.ReleaseHeldChange(ctx, h.req.TenantID, agentID, h.id, writes); err != nil && !errors.Is(err, store.ErrHoldGone) {
			return err
		} else if err == nil && len(writes) > 0 {
			e.announceWrites(ctx, h.req.TenantID, agentID, len(writes))
		}
	default:
		return err
	}
	e.flows.release(agentID, h.id)
	return nil
}

// isRefusal reports an error of the rules (the request is answered, not retried).
func isRefusal(err error) bool {
	return errors.Is(err, ErrUnknownStatus) || errors.Is(err, ErrNotSettable) || errors.Is(err, ErrBlocked) || errors.Is(err, ErrNoPrevious)
}

// adoptInterval is how often Run looks for held changes left by a replica that stopped; adoptAfter is
// how long past its due time a hold must be to count as left.
const (
	adoptInterval = time.Minute
	adoptAfter    = time.Minute
)

// Run restores the stored held changes (those of this hub before a crash, and any other replica's; a
// hold is applied once, wherever), then adopts the holds that stay overdue (their replica stopped),
// until ctx ends. Close stops the timers it starts.
func (e *Engine) Run(ctx context.Context) {
	if n := e.adopt(ctx, time.Time{}); n > 0 {
		e.log.Info("restored held changes", slog.Int(logkey.Count, n))
	}
	t := e.clock.NewTicker(adoptInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			if n := e.adopt(ctx, e.now().Add(-adoptAfter)); n > 0 {
				e.log.Info("adopted held changes of a stopped replica", slog.Int(logkey.Count, n))
			}
		}
	}
}

// adoptPage is how many held changes adopt reads at a time.
const adoptPage = 500

// adopt schedules the flush of every stored hold due before dueBefore (zero: all) that this engine does
// not hold already, and reports how many it took.
func (e *Engine) adopt(ctx context.Context, dueBefore time.Time) int {
	if dueBefore.IsZero() {
		dueBefore = time.Unix(1<<40, 0)
	}
	n, after := 0, ""
	for {
		list, err := e.st.ListHeldChanges(ctx, dueBefore, after, adoptPage)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("reading held changes", slog.Any(logkey.Error, err))
			}
			return n
		}
		for _, h := range list {
			if e.adoptOne(ctx, h) {
				n++
			}
		}
		if len(list) < adoptPage {
			return n
		}
		after = list[len(list)-1].AgentID
	}
}

func (e *Engine) adoptOne(ctx context.Context, h *store.HeldChange) bool {
	t, err := e.tenants.get(ctx, h.TenantID)
	if err != nil {
		e.log.Warn("reading catalog of a held change", slog.String(logkey.AgentID, h.AgentID), slog.Any(logkey.Error, err))
		return false
	}
	mu := e.lock(h.AgentID)
	mu.Lock()
	defer mu.Unlock()
	if e.flows.peek(h.AgentID) != nil {
		return false // this engine holds one: its flush resolves the agent's hold
	}
	req := Request{TenantID: h.TenantID, AgentID: h.AgentID, Status: h.Status, Source: h.Source, SourceID: h.SourceID, Reason: h.Reason,
		RuleID: h.RuleID, VendorState: h.SourceState}
	e.flows.hold(h.AgentID, t.maxPerMinute(e.opts.DefaultMaxChangesPerMinute), &heldChange{id: h.ID, req: req, due: h.DueTime, since: h.CreateTime, owed: h.Owed},
		func() { e.flush(h.AgentID) })
	return true
}
