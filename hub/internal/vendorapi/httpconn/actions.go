package httpconn

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// maxDryRunUsers bounds the users a dry run shows.
const maxDryRunUsers = 100

// ListStates lists the spec's states: what rules may write (all settable).
func (a *Adapter) ListStates(context.Context) ([]vendorapi.State, error) {
	out := make([]vendorapi.State, 0, len(a.spec.States))
	for _, s := range a.spec.States {
		out = append(out, vendorapi.State{ID: s, Name: s, Settable: true})
	}
	return out, nil
}

// StaticStates is the spec's states list: the connector's whole vocabulary.
func (a *Adapter) StaticStates() []vendorapi.State {
	out, _ := a.ListStates(context.Background())
	return out
}

// Dynamic is false: a state not in the spec's list does not exist.
func (a *Adapter) Dynamic(string) bool { return false }

// AcceptsAnyState: a spec without a states list lets rules write any state.
func (a *Adapter) AcceptsAnyState() bool { return len(a.spec.States) == 0 }

// GetState is not supported: the connector only writes (drift repair skips it).
func (a *Adapter) GetState(context.Context, string) (vendorapi.AgentState, error) {
	return vendorapi.AgentState{}, fmt.Errorf("reading a user's state: %w", vendorapi.ErrUnsupported)
}

// SetState runs the status_change actions that apply to state, with the user's external id, the state
// as {{status}} and the agent's email (vendorapi.WithAgentEmail). A state outside the spec's states
// is refused before any request.
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	if len(a.spec.States) > 0 && !slices.Contains(a.spec.States, state) {
		return fmt.Errorf("%w: %q is not one of the connector's states", vendorapi.ErrNotSettable, state)
	}
	v := a.with(variables{VarExternalID: externalID, VarStatus: state, VarEmail: vendorapi.AgentEmail(ctx)})
	for _, act := range a.spec.Actions {
		if act.Event != EventStatusChange || (len(act.States) > 0 && !slices.Contains(act.States, state)) {
			continue
		}
		if _, err := a.send(ctx, act.Request, v, nil); err != nil {
			return fmt.Errorf("action %s: %w", act.Name, err)
		}
	}
	return nil
}

// DryRun performs list_users (variables: page, or cursor for a next link) or a named action (variables
// external_id, email, status) against the vendor and returns what was sent and read.
func (a *Adapter) DryRun(ctx context.Context, action string, given map[string]string) (*vendorapi.DryRunResult, error) {
	if action == ListUsersAction {
		cursor, unknownProgress := given["cursor"], false
		if p := given[VarPage]; p != "" && a.spec.ListUsers != nil && a.spec.ListUsers.pagination() == PagePaging {
			n, err := strconv.Atoi(p)
			if err != nil {
				return nil, fmt.Errorf("%w: page %q is not a number", vendorapi.ErrBadAnswer, p)
			}
			// The users counted before a later page are unknown: its next cursor would be a guess.
			cursor, unknownProgress = p+":0", n > a.spec.ListUsers.firstPage()
		}
		p, err := a.usersPage(ctx, cursor)
		if p == nil || p.answer == nil {
			return nil, err
		}
		res := a.result(p.answer)
		if err != nil { // a refusal or an answer the mappings do not fit is a result too
			res.Error = a.redact.Replace(err.Error())
			return res, nil
		}
		res.Users, res.Count, res.Total, res.Next = p.users[:min(len(p.users), maxDryRunUsers)], p.count, p.total, a.redact.Replace(p.next)
		if unknownProgress {
			res.Next = ""
		}
		return res, nil
	}
	i := slices.IndexFunc(a.spec.Actions, func(x Action) bool { return x.Name == action })
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", vendorapi.ErrUnknownAction, action)
	}
	act := a.spec.Actions[i]
	v := a.with(variables{VarExternalID: given[VarExternalID], VarStatus: given[VarStatus], VarEmail: given[VarEmail]})
	ans, err := a.send(ctx, act.Request, v, nil)
	if ans == nil {
		return nil, err
	}
	res := a.result(ans)
	res.Method = act.Request.Method
	if err != nil { // a refusal is a result too: the admin sees its status and body
		res.Error = a.redact.Replace(err.Error())
	}
	return res, nil
}

// result describes an answer without credential values.
func (a *Adapter) result(ans *answer) *vendorapi.DryRunResult {
	method := "GET"
	if a.spec.ListUsers != nil && a.spec.ListUsers.Request.Method != "" {
		method = a.spec.ListUsers.Request.Method
	}
	return &vendorapi.DryRunResult{Method: method, URL: a.redact.Replace(ans.url.String()), Status: ans.status, Body: a.snippet(ans.body, 4000)}
}
