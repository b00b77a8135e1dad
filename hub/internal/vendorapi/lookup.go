package vendorapi

import (
	"context"
	"errors"
	"fmt"
)

// StaticStates is implemented by adapters that know some or all of their states without asking the
// vendor: the states every account has. Adapters that do not implement it know none: every state is
// confirmed by ListStates.
type StaticStates interface {
	// StaticStates lists the states every account has, without a request.
	StaticStates() []State
	// Dynamic reports whether id, not among the static states, has the shape of an account-specific
	// state that only the vendor can confirm (a Talkdesk "busy:<id>"). When it is false, the state does
	// not exist and no request is needed to say so.
	Dynamic(id string) bool
}

// AnyState is implemented by adapters that may take any state at all (the generic HTTP connector
// without a states list): every id is known, settable.
type AnyState interface {
	AcceptsAnyState() bool
}

// ErrStatesUnverified: the vendor could not be asked for its states, so the account-specific ones
// could not be confirmed. It wraps the vendor's error.
var ErrStatesUnverified = errors.New("the vendor's states could not be verified")

// Lookup is what LookupStates found out about some state ids.
type Lookup struct {
	// Known are the ids the vendor (or the adapter's static list) has.
	Known map[string]State
	// Missing are the ids that do not exist.
	Missing map[string]bool
	// Unverified are the ids that only the vendor can confirm and that it could not be asked about
	// (Err says why).
	Unverified map[string]bool
	// Err is the vendor's error when Unverified is not empty (it matches ErrStatesUnverified).
	Err error
	// All is every state the lookup knows of (for suggestions). Complete: it is the vendor's own list;
	// otherwise only the static states (the vendor was not asked, or did not answer).
	All      []State
	Complete bool
}

// LookupStates tells, for each id, whether a's vendor has that state. Static states (StaticStates) are
// answered without a request; the others are looked up by asking before() and then ListStates once,
// only when some id needs it. before is the connection's pacing (nil: none).
func LookupStates(ctx context.Context, a Adapter, ids []string, before func(context.Context) error) Lookup {
	out := Lookup{Known: map[string]State{}, Missing: map[string]bool{}, Unverified: map[string]bool{}}
	if as, ok := a.(AnyState); ok && as.AcceptsAnyState() {
		for _, id := range ids {
			out.Known[id] = State{ID: id, Name: id, Settable: true}
		}
		return out
	}
	static := map[string]State{}
	dynamic := func(string) bool { return true }
	if ss, ok := a.(StaticStates); ok {
		out.All = ss.StaticStates()
		for _, s := range out.All {
			static[s.ID] = s
		}
		dynamic = ss.Dynamic
	}
	var ask []string
	for _, id := range ids {
		switch s, ok := static[id]; {
		case ok:
			out.Known[id] = s
		case dynamic(id):
			ask = append(ask, id)
		default:
			out.Missing[id] = true
		}
	}
	if len(ask) == 0 {
		return out
	}
	list, err := listStates(ctx, a, before)
	if err != nil {
		for _, id := range ask {
			out.Unverified[id] = true
		}
		out.Err = fmt.Errorf("%w: %w", ErrStatesUnverified, err)
		return out
	}
	out.All, out.Complete = list, true
	byID := make(map[string]State, len(list))
	for _, s := range list {
		byID[s.ID] = s
	}
	for _, id := range ask {
		if s, ok := byID[id]; ok {
			out.Known[id] = s
		} else {
			out.Missing[id] = true
		}
	}
	return out
}

func listStates(ctx context.Context, a Adapter, before func(context.Context) error) ([]State, error) {
	if before != nil {
		if err := before(ctx); err != nil {
			return nil, err
		}
	}
	return a.ListStates(ctx)
}

// SystemState reports whether id is one of a's static states that the vendor sets itself while
// something lasts (State.System: a call, wrap-up, an unanswered alert). Other ids are not.
func SystemState(a Adapter, id string) bool {
	ss, ok := a.(StaticStates)
	if !ok {
		return false
	}
	for _, s := range ss.StaticStates() {
		if s.ID == id {
			return s.System
		}
	}
	return false
}
