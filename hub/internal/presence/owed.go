package presence

import (
	"context"
	"fmt"
	"slices"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// A vendor change the engine holds leaves its vendor showing the held state, and the writes that vendor
// was still owed were superseded when it reported it (docs/sync.md, "Ordering, newest wins"). If the
// hold is then replaced by a later change, or resolved without being applied (overtaken, refused, or
// equal to the status by then), nothing else brings that vendor back to the hub's status: the engine
// owes it a write of the status, queued in the transaction that releases the hold.

// reasonOvertaken marks the result of a held change that a newer change overtook.
const reasonOvertaken = "overtaken by a newer change"

// owedAfter is what a new hold owes, replacing prev (nil: none): what prev owed and prev's own source
// connection (with the state it reported), less req's source (which reports the state it now shows).
func owedAfter(prev *heldChange, req Request) []store.Owed {
	if prev == nil {
		return nil
	}
	owed := slices.Clone(prev.owed)
	if prev.req.Source == model.SourceConnection {
		owed = slices.DeleteFunc(owed, func(o store.Owed) bool { return o.ConnectionID == prev.req.SourceID })
		owed = append(owed, store.Owed{ConnectionID: prev.req.SourceID, State: prev.req.VendorState})
	}
	return slices.DeleteFunc(owed, func(o store.Owed) bool { return req.Source == model.SourceConnection && o.ConnectionID == req.SourceID })
}

// owedWrites plans the writes of the agent's current status to the connections h owes it, when h is
// resolved without being applied (res and err are how apply answered it). h's own source is owed too,
// unless the change it reported equals the status (it shows a state of that status already). Each
// write is made only while its vendor still shows the state it reported (IfState): a person who picked
// another state there since, which the hub has yet to hear of, is not overwritten (seeds 28497, 41172).
func (e *Engine) owedWrites(ctx context.Context, agent *model.Agent, h *heldChange, res *Result, applyErr error) ([]*model.OutboxWrite, error) {
	owed := slices.Clone(h.owed)
	if h.req.Source == model.SourceConnection && (applyErr != nil || res.Reason == reasonOvertaken) {
		owed = append(owed, store.Owed{ConnectionID: h.req.SourceID, State: h.req.VendorState})
	}
	if len(owed) == 0 || agent == nil || e.opts.Planner == nil {
		return nil, nil
	}
	var cur *model.Presence
	if res != nil {
		cur = res.Presence
	} else {
		var err error
		if cur, err = e.current(ctx, h.req.TenantID, h.req.AgentID); err != nil {
			return nil, fmt.Errorf("reading the status a held change owes its sources: %w", err)
		}
	}
	now := *cur
	now.UpdateTime = e.now()
	return e.planOwed(ctx, agent, &now, owed)
}

// planOwed plans the writes of p's status to the owed connections, each conditional on the state its
// vendor reported. A held change applied without changing the status (queued behind a system state)
// owes them too: it plans no write of its own (seed 67721: a Genesys pick, held and replaced by the
// tray's newer requests, was left on Genesys when the last of them was queued behind a call).
func (e *Engine) planOwed(ctx context.Context, agent *model.Agent, p *model.Presence, owed []store.Owed) ([]*model.OutboxWrite, error) {
	if len(owed) == 0 || e.opts.Planner == nil {
		return nil, nil
	}
	planned, err := e.opts.Planner.Plan(ctx, agent, p, Request{TenantID: p.TenantID, AgentID: p.AgentID, Source: model.SourceSystem})
	if err != nil {
		return nil, fmt.Errorf("planning the writes a held change owes its sources: %w", err)
	}
	var writes []*model.OutboxWrite
	for _, w := range planned {
		if i := slices.IndexFunc(owed, func(o store.Owed) bool { return o.ConnectionID == w.ConnectionID }); i >= 0 {
			w.IfState = owed[i].State
			writes = append(writes, w)
		}
	}
	return writes, nil
}

// announceWrites wakes the outbox for writes queued outside a change of the status (and tells the
// agent's devices that what a vendor is owed changed).
func (e *Engine) announceWrites(ctx context.Context, tenantID, agentID string, n int) {
	_ = e.bus.Publish(ctx, bus.Event{Kind: bus.KindWrite, TenantID: tenantID, AgentID: agentID, Writes: n})
}
