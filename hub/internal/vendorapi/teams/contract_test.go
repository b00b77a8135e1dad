package teams_test

import (
	"testing"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/vendorapi/teams"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
)

// TestContract runs the adapter contract suite against the Teams emulator, writing the user's
// preferred presence (write_mode preferred): what it sets is what Teams shows. An application presence
// session (the default mode) is one of the user's sessions, and Teams shows the strongest of them —
// the user's own Teams client, Available, beats an app's Away — so "set, then read back" does not hold
// there by design; TestWriteModes and the keeper's tests cover that mode.
func TestContract(t *testing.T) {
	vendortest.Run(t, vendortest.Pair{
		NewEmulator: func(t *testing.T) emulator.Emulator {
			em := teamsemu.New(teamsemu.Options{Settings: map[string]string{teams.SettingWriteMode: teams.ModePreferred}})
			t.Cleanup(em.Close)
			return em
		},
		Factory:       teams.New,
		Settable:      "Available",
		OtherSettable: "DoNotDisturb",
		NotSettable:   "InAMeeting",
		PageSize:      teamsemu.MaxTop,
		NoRateHeaders: true,
	})
}
