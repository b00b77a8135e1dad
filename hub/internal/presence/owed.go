package presence

import (
	"context"
	"fmt"
	"slices"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/model"
)

// A vendor change the engine holds leaves its vendor showing the held state, and the writes that vendor
// was still owed were superseded when it reported it (docs/sync.md, "Ordering, newest wins"). If the
// hold is then replaced by a later change, or resolved without being applied (overtaken, refused, or
// equal to the status by then), nothing else brings that vendor back to the hub's status: the engine
// owes it a write of the status, queued in the transaction that releases the hold.

// reasonOvertaken marks the result of a held change that a newer change overtook.
const reasonOvertaken = "overtaken by a newer change"

// owedAfter is what a new hold owes, replacing prev (nil: none): what prev owed and prev's own source
// connection, less req's source (which reports the state it now shows).
func owedAfter(prev *heldChange, req Request) []string {
	if prev == nil {
		return nil
	}
	owed := slices.Clone(prev.owed)
	if prev.req.Source == model.SourceConnection && !slices.Contains(owed, prev.req.SourceID) {
		owed = append(owed, prev.req.SourceID)
	}
	return slices.DeleteFunc(owed, func(id string) bool { return req.Source == model.SourceConnection && id == req.SourceID })
}

// owedWrites plans the writes of the agent's current status to the connections h owes it, when h is
// resolved without being applied (res and err are how apply answered it). h's own source is owed too,
// unless the change it reported equals the status (it shows a state of that status already).
func (e *Engine) owedWrites(ctx context.Context, agent *model.Agent, h *heldChange, res *Result, applyErr error) ([]*model.OutboxWrite, error) {
	owed := slices.Clone(h.owed)
	if h.req.Source == model.SourceConnection && (applyErr != nil || res.Reason == reasonOvertaken) {
		owed = append(owed, h.req.SourceID)
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
	planned, err := e.opts.Planner.Plan(ctx, agent, &now, Request{TenantID: h.req.TenantID, AgentID: h.req.AgentID, Source: model.SourceSystem})
	if err != nil {
		return nil, fmt.Errorf("planning the writes a held change owes its sources: %w", err)
	}
	return slices.DeleteFunc(planned, func(w *model.OutboxWrite) bool { return !slices.Contains(owed, w.ConnectionID) }), nil
}

// announceWrites wakes the outbox for writes queued outside a change of the status (and tells the
// agent's devices that what a vendor is owed changed).
func (e *Engine) announceWrites(ctx context.Context, tenantID, agentID string, n int) {
	_ = e.bus.Publish(ctx, bus.Event{Kind: bus.KindWrite, TenantID: tenantID, AgentID: agentID, Writes: n})
}
