package zendeskemu

import (
	"slices"

	"presencehub.dev/hub/internal/emulator"
)

// AgentSide lists the unified statuses (custom ones as custom:<id>), or the Talk agent_states for a
// TalkOnly account; each change is the agent's own (reason AGENT_STATUS_SWITCHER). online and offline
// pick the system statuses; Zendesk's presence has no call, wrap-up or refusal.
func (e *Emulator) AgentSide() emulator.AgentSide {
	verbs := map[string]emulator.Verb{
		emulator.VerbOffline: {State: "offline"},
		emulator.VerbOnline:  {State: "online"},
	}
	if e.opts.TalkOnly {
		return emulator.AgentSide{States: slices.Clone(talkStates), Verbs: verbs}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	states := make([]string, 0, len(e.statuses))
	for _, s := range e.statuses {
		states = append(states, s.vocab())
	}
	return emulator.AgentSide{States: states, Verbs: verbs}
}

var _ emulator.AgentSider = (*Emulator)(nil)
