package servicenowemu

import (
	"strings"

	"presencehub.dev/hub/internal/emulator"
)

// AgentSide lists the active presence states (custom ones as state:<sys_id>); online is Available and
// offline Offline. The inbox's presence has no call, wrap-up or refusal.
func (e *Emulator) AgentSide() emulator.AgentSide {
	var list []string
	for _, s := range states() {
		if s.Active {
			list = append(list, vocabulary(s.SysID))
		}
	}
	return emulator.AgentSide{
		States: list,
		Verbs: map[string]emulator.Verb{
			emulator.VerbOffline: {State: strings.ToLower(Offline.Name)},
			emulator.VerbOnline:  {State: strings.ToLower(Available.Name)},
		},
	}
}

var _ emulator.AgentSider = (*Emulator)(nil)
