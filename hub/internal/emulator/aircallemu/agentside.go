package aircallemu

import "presencehub.dev/hub/internal/emulator"

// AgentSide maps the agent-side verbs onto Change: a call is answered and hung up into wrap-up (Aircall
// ends a call only into wrap-up or offline); Aircall has no refusal.
func (e *Emulator) AgentSide() emulator.AgentSide {
	return emulator.AgentSide{
		States: []string{statusAvailable, statusCustom, statusUnavailable, opInCall, opAfterCallWork, opOffline},
		Verbs: map[string]emulator.Verb{
			emulator.VerbCall:    {State: opInCall},
			emulator.VerbCallEnd: {State: opAfterCallWork},
			emulator.VerbWrapUp:  {State: opAfterCallWork},
			emulator.VerbOffline: {State: opOffline},
			emulator.VerbOnline:  {State: statusAvailable},
		},
	}
}

var _ emulator.AgentSider = (*Emulator)(nil)
