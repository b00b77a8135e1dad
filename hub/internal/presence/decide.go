package presence

import (
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// decision is what a request does to the current presence.
type decision struct {
	outcome string
	next    model.Presence // meaningful unless outcome is unchanged
	reason  string
}

// decide applies the presence rules to one request. It is pure: the state in, the decision out.
//
//   - Agents (source device) may only pick agent-settable, non-system statuses.
//   - While a system state lasts (on a call, after call work), an agent's request is refused or, by
//     default, queued and applied when the system state ends.
//   - "previous" restores the status held before the system state (or the one before the last change).
//   - An unchanged status is a no-op.
func decide(t *tenantInfo, cur *model.Presence, req Request) (decision, error) {
	curKind := t.kind(cur.Status)
	inSystem := curKind == model.KindSystem
	target := req.Status
	if target == model.StatusPrevious {
		switch {
		case inSystem && cur.HeldStatus != "":
			target = cur.HeldStatus
		case !inSystem && cur.PreviousStatus != "":
			target = cur.PreviousStatus
		default:
			return decision{}, ErrNoPrevious
		}
	}
	st, ok := t.byName[target]
	if !ok {
		return decision{}, fmt.Errorf("%w %q", ErrUnknownStatus, target)
	}
	if req.Source == model.SourceDevice {
		if st.Kind == model.KindSystem || !st.AgentSettable {
			return decision{}, fmt.Errorf("%w: %s", ErrNotSettable, st.DisplayName)
		}
		if inSystem {
			return queueOrRefuse(t, cur, req, st)
		}
	}
	if target == cur.Status && cur.QueuedStatus == "" {
		return decision{outcome: OutcomeUnchanged}, nil
	}
	next := *cur
	next.Status, next.PreviousStatus = target, cur.Status
	next.Source, next.SourceID, next.Reason = req.Source, req.SourceID, req.Reason
	d := decision{outcome: OutcomeApplied}
	switch {
	case st.Kind == model.KindSystem && !inSystem:
		next.HeldStatus = cur.Status // what "previous" returns to
	case st.Kind != model.KindSystem && inSystem:
		// The system state ends. The status queued during it applies instead of the one reported —
		// unless a person picked that one in another vendor than the one the system state came from,
		// after the queued request: newest wins.
		otherVendor := req.Source == model.SourceConnection && cur.Source == model.SourceConnection && req.SourceID != cur.SourceID
		if cur.QueuedStatus != "" && req.Source != model.SourceAdmin && !otherVendor {
			next.Status = cur.QueuedStatus
			d.reason = fmt.Sprintf("%s asked for during %s", t.display(cur.QueuedStatus), t.display(cur.Status))
		}
		next.HeldStatus, next.QueuedStatus = "", ""
	case st.Kind != model.KindSystem:
		next.QueuedStatus = ""
	}
	if next.Status == cur.Status && next.QueuedStatus == cur.QueuedStatus {
		return decision{outcome: OutcomeUnchanged}, nil
	}
	d.next = next
	return d, nil
}

// queueOrRefuse handles an agent's request during a system state, per the tenant's policy.
func queueOrRefuse(t *tenantInfo, cur *model.Presence, req Request, st *model.Status) (decision, error) {
	if t.settings.SystemStatePolicy == "refuse" {
		return decision{}, &BlockedError{Reason: fmt.Sprintf("%s — status changes wait until it ends", t.display(cur.Status))}
	}
	reason := fmt.Sprintf("%s — will switch to %s when it ends", t.display(cur.Status), st.DisplayName)
	if cur.QueuedStatus == st.Name {
		return decision{outcome: OutcomeUnchanged, reason: reason}, nil
	}
	next := *cur
	next.QueuedStatus = st.Name // the status, and who set it (the system state's source), stay
	return decision{outcome: OutcomeQueued, next: next, reason: reason}, nil
}
