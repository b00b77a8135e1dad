package genesys

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// cacheFresh is how long the definitions answer "no such definition" without asking again.
const cacheFresh = time.Minute

// States (vendorapi.State IDs) the adapter names in code.
const (
	StateAvailable     = "available"
	StateOnQueue       = "on_queue"
	StateIdle          = "idle"
	StateOffline       = "offline"
	StateInteracting   = "interacting"
	StateCommunicating = "communicating"
	StateNotResponding = "not_responding"
	// DefinitionPrefix starts the state of one of the org's own definitions: "presence:<id>".
	DefinitionPrefix = "presence:"
)

// fixed are the states every org has: the system presences (their primary definitions) and the
// routing states.
var fixed = []vendorapi.State{
	{ID: StateAvailable, Name: "Available", Settable: true},
	{ID: "away", Name: "Away", Settable: true},
	{ID: "busy", Name: "Busy", Settable: true},
	{ID: "break", Name: "Break", Settable: true},
	{ID: "meal", Name: "Meal", Settable: true},
	{ID: "meeting", Name: "Meeting", Settable: true},
	{ID: "training", Name: "Training", Settable: true},
	{ID: StateOnQueue, Name: "On Queue", Settable: true},
	{ID: StateIdle, Name: "Idle (set by the Genesys client; cannot be set)"},
	{ID: StateOffline, Name: "Offline (cannot be set: the client overrides it)"},
	{ID: StateInteracting, Name: "Interacting (routing: an ACD interaction)", System: true},
	{ID: StateCommunicating, Name: "Communicating (routing: a non-ACD interaction)", System: true},
	{ID: StateNotResponding, Name: "Not Responding (routing: an alert not answered)", System: true},
}

// definition is a presence definition as the adapter reads it.
type definition struct {
	ID             string            `json:"id"`
	SystemPresence string            `json:"systemPresence"`
	Labels         map[string]string `json:"languageLabels"`
	Primary        bool              `json:"primary"`
	Deactivated    bool              `json:"deactivated"`
}

// key is how a system presence is spelled in the vocabulary: lower case, words joined by "_" (the
// API's casing differs between endpoints: "On Queue", "ON_QUEUE").
func key(systemPresence string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(systemPresence)))
}

// state is a definition's state in the vocabulary.
func (d definition) state() string {
	if d.Primary {
		return key(d.SystemPresence)
	}
	return DefinitionPrefix + d.ID
}

func (d definition) label() string {
	if l := d.Labels["en_US"]; l != "" {
		return l
	}
	return d.SystemPresence
}

// loadDefinitions reads every page of GET /api/v2/presencedefinitions (active definitions) and caches them.
func (a *Adapter) loadDefinitions(ctx context.Context) (map[string]definition, error) {
	defs := map[string]definition{}
	for page := 1; ; page++ {
		var out struct {
			Entities  []definition `json:"entities"`
			PageCount int          `json:"pageCount"`
			NextURI   string       `json:"nextUri"`
		}
		q := url.Values{"pageSize": {"100"}, "pageNumber": {strconv.Itoa(page)}}
		if err := a.do(ctx, "GET", "/api/v2/presencedefinitions?"+q.Encode(), nil, &out); err != nil {
			return nil, fmt.Errorf("listing genesys presence definitions: %w", err)
		}
		for _, d := range out.Entities {
			if d.ID != "" && !d.Deactivated {
				defs[d.ID] = d
			}
		}
		if out.NextURI == "" || len(out.Entities) == 0 || (out.PageCount > 0 && page >= out.PageCount) {
			break
		}
	}
	a.mu.Lock()
	a.defs, a.loadedAt = defs, a.clock.Now()
	a.mu.Unlock()
	return defs, nil
}

// definitions returns the cached definitions, loading them when none are held or when want (a
// definition id or state) is unknown and the cache is not fresh.
func (a *Adapter) definitions(ctx context.Context, known func(map[string]definition) bool) (map[string]definition, error) {
	a.mu.Lock()
	defs, stale := a.defs, a.clock.Since(a.loadedAt) > cacheFresh
	a.mu.Unlock()
	if defs != nil && (known(defs) || !stale) {
		return defs, nil
	}
	return a.loadDefinitions(ctx)
}

// ListStates lists the system presences, the org's own definitions and the routing states.
func (a *Adapter) ListStates(ctx context.Context) ([]vendorapi.State, error) {
	defs, err := a.loadDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	var own []definition
	for _, d := range defs {
		if !d.Primary {
			own = append(own, d)
		}
	}
	slices.SortFunc(own, func(x, y definition) int {
		return cmp.Or(cmp.Compare(x.SystemPresence, y.SystemPresence), cmp.Compare(x.label(), y.label()), cmp.Compare(x.ID, y.ID))
	})
	out := append([]vendorapi.State(nil), fixed[:10]...)
	for _, d := range own {
		out = append(out, vendorapi.State{ID: d.state(), Name: d.SystemPresence + ": " + d.label(), Settable: true})
	}
	return append(out, fixed[10:]...), nil
}

// settableID returns the definition id a settable state names, or vendorapi.ErrNotSettable (without a
// request for the fixed states that cannot be set).
func (a *Adapter) settableID(ctx context.Context, state string) (string, error) {
	for _, f := range fixed {
		if f.ID == state && !f.Settable {
			return "", fmt.Errorf("%w: genesys %s cannot be set through the API", vendorapi.ErrNotSettable, state)
		}
	}
	id, own := strings.CutPrefix(state, DefinitionPrefix)
	if own && id == "" || !own && !slices.ContainsFunc(fixed, func(f vendorapi.State) bool { return f.ID == state }) {
		return "", fmt.Errorf("%w: genesys has no state %q", vendorapi.ErrNotSettable, state)
	}
	find := func(defs map[string]definition) string {
		if own {
			if _, ok := defs[id]; ok {
				return id
			}
			return ""
		}
		for _, d := range defs {
			if d.Primary && key(d.SystemPresence) == state {
				return d.ID
			}
		}
		return ""
	}
	defs, err := a.definitions(ctx, func(defs map[string]definition) bool { return find(defs) != "" })
	if err != nil {
		return "", err
	}
	if found := find(defs); found != "" {
		return found, nil
	}
	return "", fmt.Errorf("%w: the genesys org has no active presence definition for %q", vendorapi.ErrNotSettable, state)
}

// presenceState maps a presence definition (id, with the system presence the event or read gave) to
// the vocabulary: a primary definition's key, else presence:<id>.
func (a *Adapter) presenceState(ctx context.Context, id, systemPresence string) (string, error) {
	defs, err := a.definitions(ctx, func(defs map[string]definition) bool { _, ok := defs[id]; return ok })
	if err != nil {
		return "", err
	}
	if d, ok := defs[id]; ok {
		return d.state(), nil
	}
	if id == "" {
		return key(systemPresence), nil
	}
	return DefinitionPrefix + id, nil // deactivated or unknown: not a state rules can name
}

// StaticStates are the states every org has.
func (a *Adapter) StaticStates() []vendorapi.State { return append([]vendorapi.State(nil), fixed...) }

// Dynamic: only "presence:<id>" with a non-empty id can be an org's own definition.
func (a *Adapter) Dynamic(id string) bool {
	rest, ok := strings.CutPrefix(id, DefinitionPrefix)
	return ok && rest != ""
}
