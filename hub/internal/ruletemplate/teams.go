package ruletemplate

import (
	"slices"

	"presencehub.dev/hub/internal/model"
)

// Directions of the phone system ↔ Microsoft Teams templates.
const (
	CXoneToTeams    = "cxone_to_teams"
	TeamsToCXone    = "teams_to_cxone"
	TalkdeskToTeams = "talkdesk_to_teams"
	TeamsToTalkdesk = "teams_to_talkdesk"
	GenesysToTeams  = "genesys_to_teams"
	TeamsToGenesys  = "teams_to_genesys"
)

// cxoneTeams and talkdeskTeams keep a contact-center phone system and Microsoft Teams in step, the
// way admins expect: an agent in a Teams call or meeting gets no phone work, and Teams shows when an
// agent is available or away on the phones.
//
// Teams → phone: Teams Available reads as the first available status; Busy, DoNotDisturb, InAMeeting
// and Presenting as the first busy status (away when the catalog has none); InACall and
// InAConferenceCall as the status standing for a call (system_role on_call; unmapped without one);
// Away and BeRightBack as the first away status, Offline as the first offline status. Written to CXone:
// available → Available, busy, away and the call status → Unavailable. Written to Talkdesk: available
// only (a Talkdesk status can only be set to Available or an account's custom Busy status: add
// busy:<id> rows for busy and away).
//
// Phone → Teams: written to Teams, available → Available and away statuses → Away, the two states
// an application presence session (write_mode session, the default) may hold for the hub; the hub's
// other statuses are not written, so the hub's session is cleared and Teams shows its own presence.
// With write_mode preferred, add busy → Busy or DoNotDisturb and offline → Offline rows. Read from
// CXone as in salesforce-cxone (Available, Unavailable, contacts, ACW, Refused), from Talkdesk as in
// servicenow-talkdesk (available, the generic Busy, offline, On a Call).
var (
	cxoneTeams = &Template{
		Name:        "cxone-teams",
		Description: "NICE CXone ↔ Microsoft Teams presence sync (Teams calls and meetings make the agent Unavailable in CXone; CXone Available/away shown in Teams), in one direction or both.",
		Vendors:     []string{"cxone", "teams"},
		Directions:  []string{CXoneToTeams, TeamsToCXone, Both},
		build:       func(c catalog, dir string) (map[string]mappings, error) { return buildTeams(c, dir, "cxone") },
	}
	talkdeskTeams = &Template{
		Name:        "talkdesk-teams",
		Description: "Talkdesk ↔ Microsoft Teams presence sync (Teams presence read into the hub, Talkdesk Available/away shown in Teams; only Available is written to Talkdesk), in one direction or both.",
		Vendors:     []string{"talkdesk", "teams"},
		Directions:  []string{TalkdeskToTeams, TeamsToTalkdesk, Both},
		build:       func(c catalog, dir string) (map[string]mappings, error) { return buildTeams(c, dir, "talkdesk") },
	}
	// genesysTeams: Teams → Genesys Cloud writes available → Available, busy and the call status →
	// Busy, away statuses → Away (Genesys's Offline and Idle are its client's to set). Genesys → Teams
	// reads Available and On Queue as available, Busy, Meeting and Training as busy, Away, Break and
	// Meal as the first away status, Idle as away too, Offline as offline, and the routing states
	// Interacting and Communicating as the call status, Not Responding as the refused one.
	genesysTeams = &Template{
		Name:        "genesys-teams",
		Description: "Genesys Cloud ↔ Microsoft Teams presence sync (Teams calls and meetings make the agent Busy in Genesys; Genesys Available/away shown in Teams), in one direction or both.",
		Vendors:     []string{"genesys", "teams"},
		Directions:  []string{GenesysToTeams, TeamsToGenesys, Both},
		build:       func(c catalog, dir string) (map[string]mappings, error) { return buildTeams(c, dir, "genesys") },
	}
)

func buildTeams(c catalog, dir, phone string) (map[string]mappings, error) {
	available, err := c.first(model.KindAvailable, true)
	if err != nil {
		return nil, err
	}
	away, _ := c.first(model.KindAway, false)
	busy, _ := c.first(model.KindBusy, false)
	if busy == "" {
		busy = away
	}
	if busy == "" {
		_, err := c.first(model.KindBusy, true)
		return nil, err
	}
	offline, _ := c.first(model.KindOffline, false)
	call := c.role(model.SystemOnCall)
	toTeams := dir == Both || dir == CXoneToTeams || dir == TalkdeskToTeams || dir == GenesysToTeams
	fromTeams := dir == Both || dir == TeamsToCXone || dir == TeamsToTalkdesk || dir == TeamsToGenesys
	var ph, tm mappings
	in := func(m *mappings, status string, states ...string) {
		if status == "" {
			return
		}
		for _, s := range states {
			m.in = append(m.in, model.InboundMapping{VendorState: s, Status: status})
		}
	}
	out := func(m *mappings, state string, statuses ...string) {
		for _, s := range statuses {
			if s != "" {
				m.out = append(m.out, model.OutboundMapping{Status: s, VendorState: state})
			}
		}
	}
	if fromTeams {
		in(&tm, available, "Available")
		in(&tm, busy, "Busy", "DoNotDisturb", "InAMeeting", "Presenting")
		in(&tm, call, "InACall", "InAConferenceCall")
		in(&tm, away, "Away", "BeRightBack")
		in(&tm, offline, "Offline")
		switch phone {
		case "cxone":
			out(&ph, "Available", available)
			out(&ph, "Unavailable", dedupe(busy, away, call)...)
		case "talkdesk":
			out(&ph, "available", available)
		case "genesys":
			out(&ph, "available", available)
			out(&ph, "busy", dedupe(busy, call)...)
			if away != "" && away != busy {
				out(&ph, "away", c.all(model.KindAway)...)
			}
		}
	}
	if toTeams {
		out(&tm, "Available", available)
		out(&tm, "Away", c.all(model.KindAway)...)
		switch phone {
		case "cxone":
			in(&ph, available, "Available")
			in(&ph, busy, "Unavailable")
			in(&ph, call, "InboundContact", "OutboundContact")
			in(&ph, c.role(model.SystemAfterCallWork), "AfterCallWork")
			in(&ph, c.role(model.SystemRefused), "Refused")
		case "talkdesk":
			in(&ph, available, "available")
			in(&ph, away, "away")
			in(&ph, offline, "offline")
			in(&ph, call, "on_call")
		case "genesys":
			in(&ph, available, "available", "on_queue")
			in(&ph, busy, "busy", "meeting", "training")
			in(&ph, away, "away", "break", "meal", "idle")
			in(&ph, offline, "offline")
			in(&ph, call, "interacting", "communicating")
			in(&ph, c.role(model.SystemRefused), "not_responding")
		}
	}
	return map[string]mappings{phone: ph, "teams": tm}, nil
}

// dedupe drops repeated and empty names, keeping the order.
func dedupe(names ...string) []string {
	var out []string
	for _, n := range names {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
