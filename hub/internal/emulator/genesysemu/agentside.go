package genesysemu

import "presencehub.dev/hub/internal/emulator"

// AgentSide maps the agent-side verbs: a call is an ACD interaction (INTERACTING) and call:end ends
// it; refuse leaves an alert unanswered (NOT_RESPONDING); offline and online pick those presences.
// Going on queue is the state on_queue, off queue any other presence. Genesys has no wrap-up state
// of its own here (after-call work is part of the interaction).
func (e *Emulator) AgentSide() emulator.AgentSide {
	return emulator.AgentSide{
		States: e.states(),
		Verbs: map[string]emulator.Verb{
			emulator.VerbCall:    {State: StateInteracting},
			emulator.VerbCallEnd: {Do: e.EndInteraction},
			emulator.VerbRefuse:  {State: StateNotResponding},
			emulator.VerbOffline: {State: "offline"},
			emulator.VerbOnline:  {State: "available"},
		},
	}
}

var _ emulator.AgentSider = (*Emulator)(nil)
