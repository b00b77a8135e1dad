package teams

import (
	"context"

	"presencehub.dev/hub/internal/vendorapi"
)

// pair is a Graph presence: availability and activity.
type pair struct {
	Availability string `json:"availability"`
	Activity     string `json:"activity"`
}

// sessionWrites are the states an application session sets for the hub (Graph's other session pairs
// are calls and presenting, which Teams reports itself).
var sessionWrites = map[string]pair{"Available": {"Available", "Available"}, "Away": {"Away", "Away"}}

// preferredWrites are the states setUserPreferredPresence sets.
var preferredWrites = map[string]pair{"Available": {"Available", "Available"}, "Busy": {"Busy", "Busy"},
	"DoNotDisturb": {"DoNotDisturb", "DoNotDisturb"}, "BeRightBack": {"BeRightBack", "BeRightBack"},
	"Away": {"Away", "Away"}, "Offline": {"Offline", "OffWork"}}

// systemActivities are the activities Teams sets itself; they name the state while they last.
var systemActivities = map[string]bool{"InACall": true, "InAConferenceCall": true, "InAMeeting": true, "Presenting": true}

// stateOf names a presence in the vocabulary.
func stateOf(p pair) string {
	if systemActivities[p.Activity] || p.Activity == "OutOfOffice" {
		return p.Activity
	}
	return p.Availability
}

// all lists every state, in the order admins see them.
var all = []vendorapi.State{
	{ID: "Available", Name: "Available"},
	{ID: "Busy", Name: "Busy"},
	{ID: "DoNotDisturb", Name: "Do not disturb"},
	{ID: "BeRightBack", Name: "Be right back"},
	{ID: "Away", Name: "Away"},
	{ID: "Offline", Name: "Offline (appear offline)"},
	{ID: "AvailableIdle", Name: "Available, idle (reported only)"},
	{ID: "BusyIdle", Name: "Busy, idle (reported only)"},
	{ID: "InACall", Name: "In a call (set by Teams)", System: true},
	{ID: "InAConferenceCall", Name: "In a conference call (set by Teams)", System: true},
	{ID: "InAMeeting", Name: "In a meeting (set by Teams)", System: true},
	{ID: "Presenting", Name: "Presenting (set by Teams)", System: true},
	{ID: "OutOfOffice", Name: "Out of office (from the mailbox; reported only)"},
	{ID: "PresenceUnknown", Name: "Presence unknown (reported only)"},
}

// writes are the states this connection's write mode sets.
func (a *Adapter) writes() map[string]pair {
	if a.mode == ModePreferred {
		return preferredWrites
	}
	return sessionWrites
}

// StaticStates are every state, settable as the write mode allows.
func (a *Adapter) StaticStates() []vendorapi.State {
	out := make([]vendorapi.State, len(all))
	for i, s := range all {
		_, s.Settable = a.writes()[s.ID]
		out[i] = s
	}
	return out
}

// Dynamic: Teams has no account-specific states.
func (a *Adapter) Dynamic(string) bool { return false }

// ListStates is StaticStates: no request.
func (a *Adapter) ListStates(context.Context) ([]vendorapi.State, error) {
	return a.StaticStates(), nil
}
