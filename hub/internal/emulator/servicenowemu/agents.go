package servicenowemu

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// statePrefix starts the vocabulary id of a state that is not out of the box ("state:<sys_id>").
const statePrefix = "state:"

// user is a sys_user and its awa_agent_presence row.
type user struct {
	sysID, userName, email, name string
	createdOn                    time.Time
	// presence row
	presenceID string
	state      string          // awa_presence_state sys_id
	channelOff map[string]bool // service channels the agent turned off
	updatedOn  time.Time
	updatedBy  string
	modCount   int
}

// AddUser adds an active sys_user who is an AWA agent, Offline until it picks a state; it returns
// the user's sys_id.
func (e *Emulator) AddUser(email, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := &user{sysID: sysID(), email: email, name: name, userName: strings.ToLower(strings.SplitN(email, "@", 2)[0]),
		createdOn: e.tick(), presenceID: sysID(), state: Offline.SysID, channelOff: map[string]bool{}}
	u.updatedOn, u.updatedBy = u.createdOn, "system"
	e.users[u.sysID] = u
	e.order = append(e.order, u.sysID)
	return u.sysID
}

// Change sets an agent's presence as the agent would in the Service Operations Workspace inbox:
// "available", "away", "offline" or "state:<sys_id>" of an active state. The business rule fires.
func (e *Emulator) Change(externalID, state string) error {
	s, ok := stateByVocabulary(state)
	if !ok || !s.Active {
		return fmt.Errorf("servicenow emulator: no active presence state %q", state)
	}
	e.fireMu.Lock()
	defer e.fireMu.Unlock()
	e.mu.Lock()
	u := e.users[externalID]
	if u == nil {
		e.mu.Unlock()
		return fmt.Errorf("servicenow emulator: no user %q", externalID)
	}
	body := e.setPresence(u, s, nil, u.userName)
	e.mu.Unlock()
	e.fire(body)
	return nil
}

// State is the agent's presence in the servicenow adapter's vocabulary.
func (e *Emulator) State(externalID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[externalID]
	if u == nil {
		return "", fmt.Errorf("servicenow emulator: no user %q", externalID)
	}
	return vocabulary(u.state), nil
}

// setPresence updates the presence row (and the channels named) as by, and returns the business
// rule's body for the change; mu must be held.
func (e *Emulator) setPresence(u *user, s State, chans map[string]bool, by string) []byte {
	u.state = s.SysID
	for id, on := range chans {
		u.channelOff[id] = !on
	}
	u.updatedOn, u.updatedBy = e.tick(), by
	u.modCount++
	return e.ruleBody(u)
}

// tick is the instance's clock at ServiceNow's resolution (seconds, UTC), never going backwards;
// mu must be held.
func (e *Emulator) tick() time.Time {
	t := time.Now().UTC().Truncate(time.Second)
	if t.Before(e.lastTick) {
		t = e.lastTick
	}
	e.lastTick = t
	return t
}

// vocabulary names a state the adapter's way.
func vocabulary(stateSysID string) string {
	for _, s := range []State{Available, Away, Offline} {
		if s.SysID == stateSysID {
			return strings.ToLower(s.Name)
		}
	}
	return statePrefix + stateSysID
}

func stateByVocabulary(v string) (State, bool) {
	for _, s := range []State{Available, Away, Offline} {
		if strings.ToLower(s.Name) == v {
			return s, true
		}
	}
	if id, ok := strings.CutPrefix(v, statePrefix); ok {
		return stateBySysID(id)
	}
	return State{}, false
}

// glideTime formats a date-time the way the Table API does ("2006-01-02 15:04:05", UTC).
func glideTime(t time.Time) string { return t.UTC().Format(time.DateTime) }

// sysID returns a random 32-hex-digit sys_id.
func sysID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
