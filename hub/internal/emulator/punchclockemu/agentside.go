package punchclockemu

import "presencehub.dev/hub/internal/emulator"

// AgentSide maps online and offline onto punching in and out at the clock; a punch clock has no calls.
func (e *Emulator) AgentSide() emulator.AgentSide {
	return emulator.AgentSide{
		States: []string{PunchIn, PunchOut},
		Verbs: map[string]emulator.Verb{
			emulator.VerbOffline: {State: PunchOut},
			emulator.VerbOnline:  {State: PunchIn},
		},
	}
}

var _ emulator.AgentSider = (*Emulator)(nil)
