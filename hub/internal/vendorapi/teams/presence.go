package teams

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Writes' lifetimes.
const (
	// sessionLife is the expirationDuration of an application session; renewAfter is when the
	// adapter renews it (the framework asks every few minutes).
	sessionLife         = "PT1H"
	sessionRenewAfter   = 30 * time.Minute
	preferredRenewAfter = 12 * time.Hour // Graph's default: a day for Busy and DoNotDisturb, a week otherwise
	// MaxBatch is getPresencesByUserId's and a subscription's id limit.
	MaxBatch = 650
)

type presenceJSON struct {
	ID string `json:"id"`
	pair
}

// GetState reads GET /v1.0/users/{id}/presence.
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	var p presenceJSON
	if err := a.do(ctx, http.MethodGet, "/v1.0/users/"+url.PathEscape(externalID)+"/presence", nil, &p); err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading teams presence: %w", userErr(err))
	}
	if p.Availability == "" {
		return vendorapi.AgentState{}, fmt.Errorf("reading teams presence of %s: %w", externalID, vendorapi.ErrBadAnswer)
	}
	return vendorapi.AgentState{ExternalID: externalID, State: stateOf(p.pair)}, nil
}

// presences reads many users' presence through getPresencesByUserId, 650 at a time.
func (a *Adapter) presences(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for start := 0; start < len(ids); start += MaxBatch {
		var page struct {
			Value []presenceJSON `json:"value"`
		}
		in := map[string][]string{"ids": ids[start:min(start+MaxBatch, len(ids))]}
		if err := a.do(ctx, http.MethodPost, "/v1.0/communications/getPresencesByUserId", in, &page); err != nil {
			return nil, fmt.Errorf("reading teams presences: %w", err)
		}
		for _, p := range page.Value {
			out[p.ID] = stateOf(p.pair)
		}
	}
	return out, nil
}

// SetState writes state in the connection's layer: an application session (setPresence, renewed by
// Keep) or the user's preferred presence. A state the layer cannot hold is vendorapi.ErrNotSettable.
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	p, ok := a.writes()[state]
	if !ok {
		return fmt.Errorf("setting teams presence: %w: %q in write mode %s", vendorapi.ErrNotSettable, state, a.mode)
	}
	if err := a.write(ctx, externalID, p); err != nil {
		return fmt.Errorf("setting teams presence: %w", err)
	}
	a.remember(externalID, state)
	return nil
}

func (a *Adapter) write(ctx context.Context, externalID string, p pair) error {
	base := "/v1.0/users/" + url.PathEscape(externalID) + "/presence/"
	var err error
	if a.mode == ModePreferred {
		err = a.do(ctx, http.MethodPost, base+"setUserPreferredPresence", p, nil)
	} else {
		err = a.do(ctx, http.MethodPost, base+"setPresence", map[string]string{"sessionId": a.clientID,
			"availability": p.Availability, "activity": p.Activity, "expirationDuration": sessionLife}, nil)
	}
	return userErr(err)
}

// clear removes what the hub put there: the application session, or the preferred presence.
func (a *Adapter) clear(ctx context.Context, externalID string) error {
	base := "/v1.0/users/" + url.PathEscape(externalID) + "/presence/"
	if a.mode == ModePreferred {
		return userErr(a.do(ctx, http.MethodPost, base+"clearUserPreferredPresence", map[string]string{}, nil))
	}
	return userErr(a.do(ctx, http.MethodPost, base+"clearPresence", map[string]string{"sessionId": a.clientID}, nil))
}

func (a *Adapter) remember(externalID, state string) {
	a.mu.Lock()
	a.kept[externalID] = kept{state: state, at: a.now()}
	a.mu.Unlock()
}

// KeepDue: a wanted state not written (by this adapter) within its renewal period; or, when the hub
// wants nothing there, a session the adapter set or may have set before a restart (a preferred
// presence only when this adapter set it: otherwise it may be the person's own).
func (a *Adapter) KeepDue(externalID, state string) bool {
	a.mu.Lock()
	k, known := a.kept[externalID]
	a.mu.Unlock()
	if state == "" {
		return (known && k.state != "") || (!known && a.mode == ModeSession)
	}
	renew := sessionRenewAfter
	if a.mode == ModePreferred {
		renew = preferredRenewAfter
	}
	return !known || k.state != state || a.now().Sub(k.at) >= renew
}

// Keep renews state, or clears what the hub put there ("").
func (a *Adapter) Keep(ctx context.Context, externalID, state string) error {
	if state == "" {
		if err := a.clear(ctx, externalID); err != nil {
			return fmt.Errorf("clearing teams presence: %w", err)
		}
		a.remember(externalID, "")
		return nil
	}
	return a.SetState(ctx, externalID, state)
}

// userErr marks a 404 about a user as vendorapi.ErrUnknownUser, keeping the HTTP error.
func userErr(err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", vendorapi.ErrUnknownUser, err)
	}
	return err
}
