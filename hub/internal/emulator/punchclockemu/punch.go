package punchclockemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Punch actions.
const (
	PunchIn  = "in"
	PunchOut = "out"
)

// punch records a punch sent by a client: {"action":"in"|"out"}.
func (e *Emulator) punch(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		Action string `json:"action"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || (body.Action != PunchIn && body.Action != PunchOut) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `the body must be {"action":"in"} or {"action":"out"}`})
		return
	}
	p, err := e.record(id, body.Action)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"punch": p})
}

func (e *Emulator) listPunches(w http.ResponseWriter, id string) {
	punches, err := e.Punches(id)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"punches": punches})
}

// record adds a punch to a user.
func (e *Emulator) record(id, action string) (Punch, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[id]
	if u == nil {
		return Punch{}, fmt.Errorf("no user %q", id)
	}
	e.nextPunch++
	p := Punch{ID: e.nextPunch, UserID: id, Action: action, Time: time.Now().UTC()}
	u.punches = append(u.punches, p)
	return p, nil
}

// Punches lists a user's punches, oldest first.
func (e *Emulator) Punches(id string) ([]Punch, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[id]
	if u == nil {
		return nil, fmt.Errorf("no user %q", id)
	}
	return append([]Punch{}, u.punches...), nil
}

// Change punches a user in or out "at the clock" (the system's own terminal).
func (e *Emulator) Change(id, state string) error {
	if state != PunchIn && state != PunchOut {
		return fmt.Errorf("state %q: want %q or %q", state, PunchIn, PunchOut)
	}
	_, err := e.record(id, state)
	return err
}

// State is the user's last punch ("" before the first).
func (e *Emulator) State(id string) (string, error) {
	punches, err := e.Punches(id)
	if err != nil || len(punches) == 0 {
		return "", err
	}
	return punches[len(punches)-1].Action, nil
}
