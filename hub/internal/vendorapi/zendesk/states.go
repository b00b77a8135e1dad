package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// defaultStatuses are the unified statuses every account has, by fixed id; their names are the
// vocabulary's ids (and the Talk agent_states).
var defaultStatuses = []struct {
	id          int64
	name, label string
}{
	{2, "offline", "Offline"},
	{3, "online", "Online"},
	{4, "away", "Away"},
	{5, "transfers_only", "Transfers only"},
}

// customPrefix starts a custom status's vocabulary id ("custom:123").
const customPrefix = "custom:"

// cacheFresh is how long a status list answers "no such custom status" without asking again.
const cacheFresh = time.Minute

// ListStates lists the account's unified statuses (or, in talk mode, the Talk agent_states).
func (a *Adapter) ListStates(ctx context.Context) ([]vendorapi.State, error) {
	if a.talk {
		out := make([]vendorapi.State, 0, len(defaultStatuses))
		for _, d := range defaultStatuses {
			out = append(out, vendorapi.State{ID: d.name, Name: d.label, Settable: true})
		}
		return out, nil
	}
	var out []vendorapi.State
	custom := map[int64]string{}
	path := "/api/v2/agent_availabilities/agent_statuses"
	for path != "" {
		var page struct {
			Default []statusItem `json:"default"`
			Custom  []statusItem `json:"custom"`
			Links   struct {
				Next string `json:"next"`
			} `json:"links"`
			Meta struct {
				HasMore bool `json:"has_more"`
			} `json:"meta"`
		}
		if err := a.client.Do(ctx, "GET", path, nil, &page); err != nil {
			return nil, fmt.Errorf("listing zendesk statuses: %w", err)
		}
		for _, s := range page.Default {
			id, label := a.stateFor(int64(s.ID), s.Attributes.Name), s.Attributes.Name
			for _, d := range defaultStatuses {
				if d.name == id {
					label = d.label
				}
			}
			out = append(out, vendorapi.State{ID: id, Name: label, Settable: true})
		}
		for _, s := range page.Custom {
			custom[int64(s.ID)] = s.Attributes.Name
			out = append(out, vendorapi.State{ID: customPrefix + strconv.FormatInt(int64(s.ID), 10), Name: s.Attributes.Name, Settable: true})
		}
		path = ""
		if page.Meta.HasMore {
			path = page.Links.Next
		}
	}
	a.mu.Lock()
	a.custom, a.loadedAt = custom, time.Now()
	a.mu.Unlock()
	return out, nil
}

type statusItem struct {
	ID         flexInt `json:"id"`
	Attributes struct {
		Name string `json:"name"`
	} `json:"attributes"`
}

// stateFor maps a unified status to the vocabulary: default ids by name, known custom ids as
// "custom:<id>", then a default status's name, then any other id as custom.
func (a *Adapter) stateFor(id int64, name string) string {
	for _, d := range defaultStatuses {
		if d.id == id {
			return d.name
		}
	}
	a.mu.Lock()
	_, known := a.custom[id]
	if !known && id <= 0 {
		for cid, cname := range a.custom {
			if strings.EqualFold(cname, name) {
				id, known = cid, true
			}
		}
	}
	a.mu.Unlock()
	if known {
		return customPrefix + strconv.FormatInt(id, 10)
	}
	norm := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), " ", "_")
	for _, d := range defaultStatuses {
		if d.name == norm {
			return d.name
		}
	}
	if id > 0 {
		return customPrefix + strconv.FormatInt(id, 10)
	}
	return name
}

// statusID resolves a vocabulary id to a unified status id; unknown states are vendorapi.ErrNotSettable.
// An unknown custom id reloads the status list unless it is fresh.
func (a *Adapter) statusID(ctx context.Context, state string) (int64, error) {
	for _, d := range defaultStatuses {
		if d.name == state {
			return d.id, nil
		}
	}
	n, ok := strings.CutPrefix(state, customPrefix)
	id, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: zendesk has no state %q", vendorapi.ErrNotSettable, state)
	}
	if a.knownCustom(id) {
		return id, nil
	}
	a.mu.Lock()
	stale := time.Since(a.loadedAt) > cacheFresh
	a.mu.Unlock()
	if stale {
		if _, err := a.ListStates(ctx); err != nil {
			return 0, err
		}
	}
	if !a.knownCustom(id) {
		return 0, fmt.Errorf("%w: zendesk has no custom status %d", vendorapi.ErrNotSettable, id)
	}
	return id, nil
}

func (a *Adapter) knownCustom(id int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.custom[id]
	return ok
}

// forgetStatuses makes the next custom status lookup reload the list.
func (a *Adapter) forgetStatuses() {
	a.mu.Lock()
	a.loadedAt = time.Time{}
	a.mu.Unlock()
}

// flexInt is an integer Zendesk spells as a number or a string.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	var n json.Number = json.Number(s)
	v, err := n.Int64()
	if err != nil {
		return fmt.Errorf("zendesk id %s: %w", b, err)
	}
	*f = flexInt(v)
	return nil
}

// StaticStates are the default statuses every account has (in talk mode, the whole vocabulary).
func (a *Adapter) StaticStates() []vendorapi.State {
	out := make([]vendorapi.State, 0, len(defaultStatuses))
	for _, d := range defaultStatuses {
		out = append(out, vendorapi.State{ID: d.name, Name: d.label, Settable: true})
	}
	return out
}

// Dynamic: only "custom:<id>" (unified statuses) can be an account's custom status.
func (a *Adapter) Dynamic(id string) bool {
	rest, ok := strings.CutPrefix(id, customPrefix)
	if a.talk || !ok {
		return false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return err == nil && n > 0
}
