package servicenow

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// cacheFresh is how long the state list answers "no such state" without asking again.
const cacheFresh = time.Minute

// stateInfo is a row of awa_presence_state.
type stateInfo struct {
	sysID, name       string
	available, active bool
}

// vocabulary names a presence state: the out-of-box ones by name, others "state:<sys_id>".
func vocabulary(sysID string) string {
	for _, o := range oob {
		if o.sysID == sysID {
			return o.id
		}
	}
	return StatePrefix + sysID
}

// ListStates lists the instance's presence states (awa_presence_state); inactive ones are not settable.
func (a *Adapter) ListStates(ctx context.Context) ([]vendorapi.State, error) {
	list, err := a.loadStates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]vendorapi.State, 0, len(list))
	for _, s := range list {
		name := s.name
		if !s.active {
			name += " (inactive)"
		}
		out = append(out, vendorapi.State{ID: vocabulary(s.sysID), Name: name, Settable: s.active})
	}
	return out, nil
}

func (a *Adapter) loadStates(ctx context.Context) ([]stateInfo, error) {
	var list []stateInfo
	for off := "0"; off != ""; {
		var out struct {
			Result []struct {
				SysID     string `json:"sys_id"`
				Name      string `json:"name"`
				Available string `json:"available"`
				Active    string `json:"active"`
			} `json:"result"`
		}
		q := url.Values{"sysparm_query": {"ORDERBYorder"}, "sysparm_fields": {"sys_id,name,available,order,active"},
			"sysparm_exclude_reference_link": {"true"}, "sysparm_limit": {strconv.Itoa(pageSize)}, "sysparm_offset": {off}}
		next, err := a.tablePage(ctx, "awa_presence_state", q, &out)
		if err != nil {
			return nil, fmt.Errorf("listing servicenow presence states: %w", err)
		}
		for _, s := range out.Result {
			list = append(list, stateInfo{sysID: s.SysID, name: s.Name, available: s.Available == "true", active: s.Active != "false"})
		}
		if off = next; len(out.Result) == 0 {
			break
		}
	}
	byID := make(map[string]stateInfo, len(list))
	for _, s := range list {
		byID[s.sysID] = s
	}
	a.mu.Lock()
	a.states, a.loadedAt = byID, time.Now()
	a.mu.Unlock()
	return list, nil
}

// resolve finds the presence state a vocabulary id names, refusing (vendorapi.ErrNotSettable)
// unknown and inactive ones. Out-of-box states need no request; others are looked up in the state
// list, reloaded when not fresh.
func (a *Adapter) resolve(ctx context.Context, state string) (stateInfo, error) {
	for _, o := range oob {
		if o.id == state {
			return stateInfo{sysID: o.sysID, name: o.name, available: o.id == StateAvailable, active: true}, nil
		}
	}
	id, ok := strings.CutPrefix(state, StatePrefix)
	if !ok || id == "" {
		return stateInfo{}, fmt.Errorf("%w: servicenow has no presence state %q", vendorapi.ErrNotSettable, state)
	}
	a.mu.Lock()
	s, known := a.states[id]
	stale := time.Since(a.loadedAt) > cacheFresh
	a.mu.Unlock()
	if !known && stale {
		if _, err := a.loadStates(ctx); err != nil {
			return stateInfo{}, err
		}
		a.mu.Lock()
		s, known = a.states[id]
		a.mu.Unlock()
	}
	switch {
	case !known:
		return stateInfo{}, fmt.Errorf("%w: servicenow has no presence state %s", vendorapi.ErrNotSettable, id)
	case !s.active:
		return stateInfo{}, fmt.Errorf("%w: servicenow presence state %q is inactive", vendorapi.ErrNotSettable, s.name)
	}
	return s, nil
}
