package genesys

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// presenceJSON is the part of a UserPresence the adapter reads.
type presenceJSON struct {
	PresenceDefinition struct {
		ID             string `json:"id"`
		SystemPresence string `json:"systemPresence"`
	} `json:"presenceDefinition"`
	ModifiedDate string `json:"modifiedDate"`
}

// routingJSON is a routing status.
type routingJSON struct {
	Status    string `json:"status"`
	StartTime string `json:"startTime"`
}

// view is what the adapter knows of a user's presence and routing status, with their stamps.
type view struct {
	defID, systemPresence string
	presenceAt            time.Time
	routing               string
	routingAt             time.Time
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// viewOf reads an expanded user.
func viewOf(u userJSON) view {
	var v view
	if u.Presence != nil {
		v.defID, v.systemPresence, v.presenceAt = u.Presence.PresenceDefinition.ID, u.Presence.PresenceDefinition.SystemPresence, parseTime(u.Presence.ModifiedDate)
	}
	if u.RoutingStatus != nil {
		v.routing, v.routingAt = u.RoutingStatus.Status, parseTime(u.RoutingStatus.StartTime)
	}
	return v
}

// merge keeps, per part, the newer of v and w.
func (v view) merge(w view) view {
	if !w.presenceAt.Before(v.presenceAt) && (w.defID != "" || w.systemPresence != "") {
		v.defID, v.systemPresence, v.presenceAt = w.defID, w.systemPresence, w.presenceAt
	}
	if !w.routingAt.Before(v.routingAt) && w.routing != "" {
		v.routing, v.routingAt = w.routing, w.routingAt
	}
	return v
}

// routingStates are the routing statuses that decide the state whatever the presence.
var routingStates = map[string]string{"INTERACTING": StateInteracting, "COMMUNICATING": StateCommunicating, "NOT_RESPONDING": StateNotResponding}

// state maps a view to the vocabulary, with when it became that: a routing state's start, else the
// later of the presence's change and the routing status's (the end of an interaction brings the
// presence back).
func (a *Adapter) state(ctx context.Context, v view) (string, time.Time, error) {
	if s, ok := routingStates[v.routing]; ok {
		return s, v.routingAt, nil
	}
	s, err := a.presenceState(ctx, v.defID, v.systemPresence)
	at := v.presenceAt
	if v.routingAt.After(at) {
		at = v.routingAt
	}
	return s, at, err
}

// GetState reads the user with its presence and routing status (one request).
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	var u userJSON
	if err := a.do(ctx, "GET", "/api/v2/users/"+url.PathEscape(externalID)+"?expand=presence,routingStatus", nil, &u); err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading genesys presence: %w", userErr(err))
	}
	if u.Presence == nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading genesys presence of %s: %w: the answer has no presence", externalID, vendorapi.ErrBadAnswer)
	}
	s, at, err := a.state(ctx, viewOf(u))
	if err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading genesys presence: %w", err)
	}
	return vendorapi.AgentState{ExternalID: externalID, State: s, UpdateTime: at}, nil
}

// SetState sets the user's PURECLOUD presence to the state's definition (PATCH, presenceDefinition.id
// only). Idle, Offline and the routing states are vendorapi.ErrNotSettable without a request. An
// interaction in progress is not ended by it (Genesys keeps it; the state reads interacting until it
// ends).
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	id, err := a.settableID(ctx, state)
	if err != nil {
		return fmt.Errorf("setting genesys presence: %w", err)
	}
	in := map[string]any{"presenceDefinition": map[string]string{"id": id}}
	if err := a.do(ctx, http.MethodPatch, "/api/v2/users/"+url.PathEscape(externalID)+"/presences/purecloud", in, nil); err != nil {
		return fmt.Errorf("setting genesys presence: %w", userErr(err))
	}
	return nil
}
