package salesforceemu

import (
	"fmt"
	"strings"
	"time"
)

// StateOffline is the state of an agent logged out of Omni-Channel (no current UserServicePresence).
const StateOffline = "Offline"

// user is a User record, with what the emulator knows of the agent's browser.
type user struct {
	id, username, email, name string
	created                   time.Time
	// consoleClosed: the agent's console (and the utility-bar component) is not open, so published
	// events are not applied even while the agent is logged in to Omni.
	consoleClosed bool
}

// status is a ServicePresenceStatus; one without channels is a "Busy" (away) status.
type status struct {
	id, developerName, masterLabel string
	channels                       []string
	created                        time.Time
}

// presence is a UserServicePresence row: one per status an agent was in.
type presence struct {
	id, userID, statusID string
	current              bool
	start, end, modstamp time.Time
}

// defaultStatuses are the org's presence statuses at creation (seeds 003/004 name Available for
// Chats and On Break).
var defaultStatuses = []status{
	{developerName: "Available", masterLabel: "Available", channels: []string{"Phone", "Chat", "Case"}},
	{developerName: "Available_for_Chats", masterLabel: "Available for Chats", channels: []string{"Chat"}},
	{developerName: "Available_for_Voice", masterLabel: "Available for Voice", channels: []string{"Phone"}},
	{developerName: "Busy", masterLabel: "Busy"},
	{developerName: "On_Break", masterLabel: "On Break"},
	{developerName: "Lunch", masterLabel: "Lunch"},
}

// AddStatus adds a presence status (no channels: a busy status) and returns its id.
func (e *Emulator) AddStatus(developerName, label string, channels ...string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	s := &status{id: newID(prefixStatus, e.seq), developerName: developerName, masterLabel: label, channels: channels, created: now()}
	e.statuses = append(e.statuses, s)
	return s.id
}

// AddUser adds an active agent, logged in to Omni with the login status, console open.
func (e *Emulator) AddUser(email, name string) string { return e.addUser(email, name, true) }

// addUser adds an active user; an agent is logged in to Omni with the login status.
func (e *Emulator) addUser(email, name string, agent bool) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	u := &user{id: newID(prefixUser, e.seq), username: email, email: email, name: name, created: now()}
	e.users = append(e.users, u)
	e.byID[u.id] = u
	if s := e.statusLocked(e.opts.LoginStatus); s != nil && agent {
		e.setStatusLocked(u.id, s, now())
	}
	return u.id
}

// Change sets an agent's status as the agent would in the Omni-Channel widget: a DeveloperName (which
// logs a logged-out agent in) or "Offline" (logs out).
func (e *Emulator) Change(externalID, state string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byID[externalID] == nil {
		return fmt.Errorf("no user %s", externalID)
	}
	if state == StateOffline {
		e.logoutLocked(externalID, now())
		return nil
	}
	s := e.statusLocked(state)
	if s == nil {
		return fmt.Errorf("no presence status %q", state)
	}
	e.setStatusLocked(externalID, s, now())
	return nil
}

// State is the agent's current status DeveloperName, or "Offline".
func (e *Emulator) State(externalID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byID[externalID] == nil {
		return "", fmt.Errorf("no user %s", externalID)
	}
	if p := e.currentLocked(externalID); p != nil {
		return e.statusByIDLocked(p.statusID).developerName, nil
	}
	return StateOffline, nil
}

// SetConsoleOpen opens or closes the agent's console; while closed, published events are not applied.
func (e *Emulator) SetConsoleOpen(externalID string, open bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if u := e.byID[externalID]; u != nil {
		u.consoleClosed = !open
	}
}

// statusLocked finds a status by DeveloperName (case-insensitive) or id.
func (e *Emulator) statusLocked(nameOrID string) *status {
	for _, s := range e.statuses {
		if strings.EqualFold(s.developerName, nameOrID) || (validID(nameOrID) && compare(s.id, nameOrID) == 0) {
			return s
		}
	}
	return nil
}

func (e *Emulator) statusByIDLocked(id string) *status {
	for _, s := range e.statuses {
		if s.id == id {
			return s
		}
	}
	return &status{}
}

func (e *Emulator) currentLocked(userID string) *presence {
	for i := len(e.presences) - 1; i >= 0; i-- {
		if p := e.presences[i]; p.userID == userID && p.current {
			return p
		}
	}
	return nil
}

// setStatusLocked ends the agent's current row and starts one in s (in one transaction: one modstamp).
func (e *Emulator) setStatusLocked(userID string, s *status, t time.Time) {
	if cur := e.currentLocked(userID); cur != nil && cur.statusID == s.id {
		return
	}
	e.logoutLocked(userID, t)
	e.seq++
	e.presences = append(e.presences, &presence{id: newID(prefixPresence, e.seq), userID: userID, statusID: s.id, current: true, start: t, modstamp: t})
}

func (e *Emulator) logoutLocked(userID string, t time.Time) {
	if cur := e.currentLocked(userID); cur != nil {
		cur.current, cur.end, cur.modstamp = false, t, t
	}
}
