package cxoneemu

import "presencehub.dev/hub/internal/emulator"

// AgentSide maps the agent-side verbs onto the ACD: a call is an inbound contact, ending it applies the
// next state (FinishContact), wrap-up is After Call Work, refuse is Refused, offline logs out. The
// states list every unavailable code of any team; Change refuses one the agent's team lacks.
func (e *Emulator) AgentSide() emulator.AgentSide {
	e.mu.Lock()
	states := []string{Available, Unavailable}
	for _, c := range e.codes {
		if !c.reserved && !c.isAcw {
			states = append(states, unavailablePref+c.name)
		}
	}
	e.mu.Unlock()
	states = append(append(states, contactStates...), AfterCallWork, Refused, LoggedOut)
	return emulator.AgentSide{
		States: states,
		Verbs: map[string]emulator.Verb{
			emulator.VerbCall:    {State: "InboundContact"},
			emulator.VerbCallEnd: {Do: e.FinishContact},
			emulator.VerbWrapUp:  {State: AfterCallWork},
			emulator.VerbRefuse:  {State: Refused},
			emulator.VerbOffline: {State: LoggedOut},
			emulator.VerbOnline:  {State: Available},
		},
	}
}

var _ emulator.AgentSider = (*Emulator)(nil)
