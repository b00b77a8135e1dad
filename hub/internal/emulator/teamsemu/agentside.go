package teamsemu

import (
	"fmt"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Agent-side states beyond the preferred presences: the Teams client's own acts.
const (
	// StateAutomatic is "Reset status": the user's preferred presence is cleared.
	StateAutomatic = "automatic"
	// StateInACall, StateInAMeeting and StatePresenting start a call, join a meeting, present.
	StateInACall    = "InACall"
	StateInAMeeting = "InAMeeting"
	StatePresenting = "Presenting"
	// StateMeetingEnd leaves the meeting (and stops presenting).
	StateMeetingEnd = "meeting:end"
)

// preferredByHand are the statuses the user picks in Teams, by availability.
var preferredByHand = map[string]Pair{}

func init() {
	for _, p := range preferredPairs {
		preferredByHand[p.Availability] = p
	}
}

// AgentSide: the user picks a status in Teams (its preferred presence: Available, Busy,
// DoNotDisturb, BeRightBack, Away, Offline — "appear offline" — or automatic to reset it), takes a
// call (call, call:end), joins and leaves a meeting (InAMeeting, Presenting, meeting:end), signs the
// Teams client out and in (offline, online).
func (e *Emulator) AgentSide() emulator.AgentSide {
	return emulator.AgentSide{
		States: []string{"Available", "Busy", "DoNotDisturb", "BeRightBack", "Away", "Offline", StateAutomatic,
			StateInACall, StateInAMeeting, StatePresenting, StateMeetingEnd},
		Verbs: map[string]emulator.Verb{
			emulator.VerbCall:    {State: StateInACall},
			emulator.VerbCallEnd: {Do: e.EndCall},
			emulator.VerbOffline: {Do: func(id string) error { return e.client(id, func(u *user) error { u.clientOn = false; return nil }) }},
			emulator.VerbOnline:  {Do: func(id string) error { return e.client(id, func(u *user) error { u.clientOn = true; return nil }) }},
		},
	}
}

// Change does what the user does in Teams: a preferred presence picked by hand (for a week), a reset,
// or the Teams client's call and meeting states.
func (e *Emulator) Change(externalID, state string) error {
	return e.client(externalID, func(u *user) error {
		if p, ok := preferredByHand[state]; ok {
			u.preferred = &session{Pair: p, expires: e.now().Add(7 * 24 * time.Hour)}
			return nil
		}
		switch state {
		case StateAutomatic:
			u.preferred = nil
		case StateInACall:
			u.call = true
		case StateInAMeeting:
			u.meeting = true
		case StatePresenting:
			u.meeting, u.presenting = true, true
		case StateMeetingEnd:
			if !u.meeting {
				return fmt.Errorf("teams emulator: user %s is not in a meeting", u.id)
			}
			u.meeting, u.presenting = false, false
		default:
			return fmt.Errorf("teams emulator: no state %q", state)
		}
		return nil
	})
}

// EndCall hangs up the user's Teams call.
func (e *Emulator) EndCall(externalID string) error {
	return e.client(externalID, func(u *user) error {
		if !u.call {
			return fmt.Errorf("teams emulator: user %s is not on a call", u.id)
		}
		u.call = false
		return nil
	})
}

// client changes user id under the lock and notifies what changed.
func (e *Emulator) client(id string, change func(*user) error) error {
	defer e.flush()
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[id]
	if u == nil {
		return fmt.Errorf("teams emulator: no user %q", id)
	}
	u.sweep(e.now())
	if err := change(u); err != nil {
		return err
	}
	e.changed(u)
	return nil
}

// State is the user's presence in the adapter's vocabulary: the activity when it is one Teams sets
// itself (InACall, InAConferenceCall, InAMeeting, Presenting, OutOfOffice), else the availability
// (Offline for OffWork).
func (e *Emulator) State(externalID string) (string, error) {
	p, ok := e.Presence(externalID)
	if !ok {
		return "", fmt.Errorf("teams emulator: no user %q", externalID)
	}
	return StateOf(p), nil
}

// StateOf names a presence in the adapter's vocabulary.
func StateOf(p Pair) string {
	switch p.Activity {
	case "InACall", "InAConferenceCall", "InAMeeting", "Presenting", "OutOfOffice":
		return p.Activity
	}
	return p.Availability
}

var _ emulator.AgentSider = (*Emulator)(nil)
