package talkdesk

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// cacheFresh is how long the custom status list answers "no such custom status" without asking again.
const cacheFresh = time.Minute

// fixed are the states every account has.
var fixed = []vendorapi.State{
	{ID: StateAvailable, Name: "Available", Settable: true},
	{ID: StateAway, Name: "Busy (no custom status; cannot be set)"},
	{ID: StateOffline, Name: "Offline (cannot be changed)"},
	{ID: StateOnCall, Name: "On a Call (cannot be changed)", System: true},
}

// ListStates lists Available, the account's custom Busy statuses (settable) and the states that are
// only read (the generic Busy, Offline, On a Call).
func (a *Adapter) ListStates(ctx context.Context) ([]vendorapi.State, error) {
	custom, err := a.loadCustom(ctx)
	if err != nil {
		return nil, err
	}
	out := append([]vendorapi.State(nil), fixed[:1]...)
	for _, id := range sortedKeys(custom) {
		out = append(out, vendorapi.State{ID: BusyPrefix + id, Name: "Busy: " + custom[id], Settable: true})
	}
	return append(out, fixed[1:]...), nil
}

// loadCustom reads every page of the custom status list and caches it.
func (a *Adapter) loadCustom(ctx context.Context) (map[string]string, error) {
	custom := map[string]string{}
	for page := 1; ; page++ {
		var out struct {
			Embedded struct {
				Statuses []struct {
					ID     string `json:"id"`
					Name   string `json:"name"`
					Status string `json:"status"`
					Active *bool  `json:"active"`
				} `json:"custom_statuses"`
			} `json:"_embedded"`
			Links halLinks `json:"_links"`
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
		if err := a.do(ctx, "GET", "/presence/custom-statuses?"+q.Encode(), nil, &out); err != nil {
			return nil, fmt.Errorf("listing talkdesk custom statuses: %w", err)
		}
		for _, s := range out.Embedded.Statuses {
			if s.ID != "" && (s.Status == "" || s.Status == "away") && (s.Active == nil || *s.Active) {
				custom[s.ID] = s.Name
			}
		}
		if out.Links.Next == nil || len(out.Embedded.Statuses) == 0 {
			break
		}
	}
	a.mu.Lock()
	a.custom, a.loadedAt = custom, time.Now()
	a.mu.Unlock()
	return custom, nil
}

// checkSettable refuses, before any write, a state that cannot be set: anything but available and a
// known custom Busy status (an unknown one reloads the list unless it is fresh). It returns the
// custom status id ("" for available).
func (a *Adapter) checkSettable(ctx context.Context, state string) (string, error) {
	if state == StateAvailable {
		return "", nil
	}
	id, ok := strings.CutPrefix(state, BusyPrefix)
	if !ok || id == "" {
		return "", fmt.Errorf("%w: a talkdesk status can only be changed to Available or a custom Busy status, not %q", vendorapi.ErrNotSettable, state)
	}
	a.mu.Lock()
	_, known := a.custom[id]
	stale := time.Since(a.loadedAt) > cacheFresh
	a.mu.Unlock()
	if known {
		return id, nil
	}
	if stale {
		custom, err := a.loadCustom(ctx)
		if err != nil {
			return "", err
		}
		if _, known = custom[id]; known {
			return id, nil
		}
	}
	return "", fmt.Errorf("%w: talkdesk has no custom Busy status %q", vendorapi.ErrNotSettable, id)
}

// sortedKeys orders custom statuses by name, then id, so the list reads well and is stable.
func sortedKeys(m map[string]string) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(m[a], m[b]), cmp.Compare(a, b)) })
	return keys
}

// StaticStates are the states every account has (Available, the generic Busy, Offline, On a Call).
func (a *Adapter) StaticStates() []vendorapi.State { return append([]vendorapi.State(nil), fixed...) }

// Dynamic: only "busy:<id>" with a non-empty id can be an account's custom Busy status.
func (a *Adapter) Dynamic(id string) bool {
	rest, ok := strings.CutPrefix(id, BusyPrefix)
	return ok && rest != ""
}
