package salesforceemu

import "presencehub.dev/hub/internal/emulator"

// AgentSide lists the org's presence statuses and Offline; online logs in to Available (when the org
// has it) and offline logs out. Omni-Channel presence has no call, wrap-up or refusal of its own.
func (e *Emulator) AgentSide() emulator.AgentSide {
	e.mu.Lock()
	states := make([]string, 0, len(e.statuses)+1)
	online := ""
	for _, s := range e.statuses {
		states = append(states, s.developerName)
		if s.developerName == "Available" {
			online = s.developerName
		}
	}
	e.mu.Unlock()
	verbs := map[string]emulator.Verb{emulator.VerbOffline: {State: StateOffline}}
	if online != "" {
		verbs[emulator.VerbOnline] = emulator.Verb{State: online}
	}
	return emulator.AgentSide{States: append(states, StateOffline), Verbs: verbs}
}

var _ emulator.AgentSider = (*Emulator)(nil)
