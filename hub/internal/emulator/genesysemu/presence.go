package genesysemu

import (
	"fmt"
	"net/http"
	"strings"
)

// Routing states of the adapter's vocabulary (set by the system, never through the API).
const (
	StateInteracting   = "interacting"
	StateCommunicating = "communicating"
	StateNotResponding = "not_responding"
)

func (e *Emulator) presenceJSON(u *user) map[string]any {
	d, _ := e.definition(u.def)
	return map[string]any{"source": "PURECLOUD", "primary": true,
		"presenceDefinition": map[string]any{"id": d.ID, "systemPresence": d.SystemPresence, "selfUri": "/api/v2/presencedefinitions/" + d.ID},
		"message":            u.message, "modifiedDate": stamp(u.modified), "selfUri": "/api/v2/users/" + u.id + "/presences/purecloud"}
}

func routingJSON(u *user) map[string]any {
	return map[string]any{"userId": u.id, "status": u.routing, "startTime": stamp(u.routingStart)}
}

// getPresenceRoute serves GET /api/v2/users/{id}/presences/purecloud.
func (e *Emulator) getPresenceRoute(w http.ResponseWriter, _ *http.Request, seg []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		apiError(w, http.StatusNotFound, "not.found", "User not found: "+seg[1])
		return
	}
	writeJSON(w, http.StatusOK, e.presenceJSON(u))
}

// patchPresenceRoute serves PATCH /api/v2/users/{id}/presences/purecloud: presenceDefinition.id (an
// active definition), message and primary, any of them.
func (e *Emulator) patchPresenceRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	var in struct {
		PresenceDefinition *struct {
			ID string `json:"id"`
		} `json:"presenceDefinition"`
		Message *string `json:"message"`
		Primary *bool   `json:"primary"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.PresenceDefinition == nil && in.Message == nil && in.Primary == nil {
		badRequest(w, "presenceDefinition", "set presenceDefinition, message or primary")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		apiError(w, http.StatusNotFound, "not.found", "User not found: "+seg[1])
		return
	}
	if in.PresenceDefinition != nil {
		d, ok := e.definition(in.PresenceDefinition.ID)
		if !ok || d.Deactivated {
			badRequest(w, "presenceDefinition.id", "no active presence definition "+in.PresenceDefinition.ID)
			return
		}
		e.setPresence(u, d)
	}
	if in.Message != nil && *in.Message != u.message {
		u.message, u.modified = *in.Message, e.now()
		e.publish(u.id, "presence", e.presenceJSON(u))
	}
	writeJSON(w, http.StatusOK, e.presenceJSON(u))
}

// getRoutingRoute serves GET /api/v2/users/{id}/routingstatus (the routing status is set by the
// system here: queue activity and interactions; PUT is not emulated).
func (e *Emulator) getRoutingRoute(w http.ResponseWriter, _ *http.Request, seg []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		apiError(w, http.StatusNotFound, "not.found", "User not found: "+seg[1])
		return
	}
	writeJSON(w, http.StatusOK, routingJSON(u))
}

// setPresence moves u to definition d and its routing status with it (e.mu held): On Queue is IDLE,
// any other presence OFF_QUEUE, except during an interaction, which lasts.
func (e *Emulator) setPresence(u *user, d Definition) {
	u.def, u.modified = d.ID, e.now()
	e.publish(u.id, "presence", e.presenceJSON(u))
	if u.routing == RoutingInteracting || u.routing == RoutingCommunicating {
		return
	}
	want := RoutingOffQueue
	if Key(d.SystemPresence) == "on_queue" {
		want = RoutingIdle
	}
	e.setRouting(u, want)
}

// setRouting changes u's routing status and tells its subscribers (e.mu held).
func (e *Emulator) setRouting(u *user, status string) {
	if u.routing == status {
		return
	}
	u.routing, u.routingStart = status, e.now()
	e.publish(u.id, "routingStatus", map[string]any{"routingStatus": map[string]any{"status": status, "startTime": stamp(u.routingStart)}})
}

// afterInteraction is the routing status once an interaction ends: IDLE on queue, else OFF_QUEUE.
func (e *Emulator) afterInteraction(u *user) string {
	if d, _ := e.definition(u.def); Key(d.SystemPresence) == "on_queue" {
		return RoutingIdle
	}
	return RoutingOffQueue
}

// Change sets a user's state as the agent (or the system) would: a presence (a system presence's key
// such as "break" or "on_queue", or presence:<id>), or a routing state (interacting, communicating,
// not_responding; "" ends an interaction).
func (e *Emulator) Change(externalID, state string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[externalID]
	if u == nil {
		return fmt.Errorf("genesys emulator: no user %q", externalID)
	}
	switch state {
	case StateInteracting:
		e.setRouting(u, RoutingInteracting)
	case StateCommunicating:
		e.setRouting(u, RoutingCommunicating)
	case StateNotResponding:
		e.setRouting(u, RoutingNotResponding)
	default:
		d, ok := e.definitionOf(state)
		if !ok {
			return fmt.Errorf("genesys emulator: no state %q (have %s)", state, strings.Join(e.states(), ", "))
		}
		e.setPresence(u, d)
	}
	return nil
}

// EndInteraction ends the agent's interaction: back to IDLE on queue, else OFF_QUEUE.
func (e *Emulator) EndInteraction(externalID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[externalID]
	if u == nil {
		return fmt.Errorf("genesys emulator: no user %q", externalID)
	}
	if u.routing != RoutingInteracting && u.routing != RoutingCommunicating {
		return fmt.Errorf("genesys emulator: user %s has no interaction (routing status %s)", externalID, u.routing)
	}
	e.setRouting(u, e.afterInteraction(u))
	return nil
}

// State is the user's state in the adapter's vocabulary: the routing state while interacting,
// communicating or not responding, else the presence.
func (e *Emulator) State(externalID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[externalID]
	if u == nil {
		return "", fmt.Errorf("genesys emulator: no user %q", externalID)
	}
	switch u.routing {
	case RoutingInteracting:
		return StateInteracting, nil
	case RoutingCommunicating:
		return StateCommunicating, nil
	case RoutingNotResponding:
		return StateNotResponding, nil
	}
	d, _ := e.definition(u.def)
	return stateOf(d), nil
}

// states lists every state Change accepts (e.mu held or not needed: defs never change).
func (e *Emulator) states() []string {
	var out []string
	for _, d := range e.defs {
		if !d.Deactivated {
			out = append(out, stateOf(d))
		}
	}
	return append(out, StateInteracting, StateCommunicating, StateNotResponding)
}
