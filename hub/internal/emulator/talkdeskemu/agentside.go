package talkdeskemu

import (
	"fmt"

	"presencehub.dev/hub/internal/emulator"
)

// AgentSide maps the agent-side verbs onto Change: a call is answered (on_call) and ending it leaves the
// agent on the status they had (EndCall); Talkdesk's presence has no wrap-up or refusal.
func (e *Emulator) AgentSide() emulator.AgentSide {
	states := []string{stateAvailable, stateAway}
	for _, c := range e.opts.CustomStatuses {
		states = append(states, busyPrefix+c.ID)
	}
	return emulator.AgentSide{
		States: append(states, stateOffline, stateOnCall),
		Verbs: map[string]emulator.Verb{
			emulator.VerbCall:    {State: stateOnCall},
			emulator.VerbCallEnd: {Do: e.EndCall},
			emulator.VerbOffline: {State: stateOffline},
			emulator.VerbOnline:  {State: stateAvailable},
		},
	}
}

// EndCall hangs up the agent's call, leaving them on the status they had.
func (e *Emulator) EndCall(externalID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[externalID]
	if u == nil {
		return fmt.Errorf("talkdesk emulator: no user %q", externalID)
	}
	if u.call == "" {
		return fmt.Errorf("talkdesk emulator: user %s is not on a call", externalID)
	}
	u.call = ""
	u.updatedBy, u.updatedAt = "user:"+u.id, now()
	return nil
}

var _ emulator.AgentSider = (*Emulator)(nil)
