package ruletemplate_test

import (
	"slices"
	"testing"

	"presencehub.dev/hub/internal/ruletemplate"
)

func TestTeamsTemplates(t *testing.T) {
	teamsIn := []string{"Available>available", "Away>lunch", "BeRightBack>lunch", "Busy>busy", "DoNotDisturb>busy",
		"InACall>on-call", "InAConferenceCall>on-call", "InAMeeting>busy", "Offline>offline", "Presenting>busy"}
	// Only the two states an application session holds are written to Teams.
	teamsOut := []string{"available>Available", "lunch>Away"}
	for _, c := range []struct {
		template, phone    string
		phoneIn, phoneOut  []string
		toTeams, fromTeams string
	}{
		{template: "cxone-teams", phone: "cxone", toTeams: ruletemplate.CXoneToTeams, fromTeams: ruletemplate.TeamsToCXone,
			phoneIn:  []string{"Available>available", "InboundContact>on-call", "OutboundContact>on-call", "Unavailable>busy"},
			phoneOut: []string{"available>Available", "busy>Unavailable", "lunch>Unavailable", "on-call>Unavailable"}},
		{template: "talkdesk-teams", phone: "talkdesk", toTeams: ruletemplate.TalkdeskToTeams, fromTeams: ruletemplate.TeamsToTalkdesk,
			phoneIn:  []string{"available>available", "away>lunch", "offline>offline", "on_call>on-call"},
			phoneOut: []string{"available>available"}},
		{template: "genesys-teams", phone: "genesys", toTeams: ruletemplate.GenesysToTeams, fromTeams: ruletemplate.TeamsToGenesys,
			phoneIn: []string{"available>available", "away>lunch", "break>lunch", "busy>busy", "communicating>on-call", "idle>lunch",
				"interacting>on-call", "meal>lunch", "meeting>busy", "offline>offline", "on_queue>available", "training>busy"},
			phoneOut: []string{"available>available", "busy>busy", "lunch>away", "on-call>busy"}},
	} {
		t.Run(c.template, func(t *testing.T) {
			tpl, err := ruletemplate.Find(c.template)
			if err != nil {
				t.Fatal(err)
			}
			conns := map[string]string{c.phone: "cn_phone", "teams": "cn_teams"}
			for _, d := range []struct {
				dir                          string
				phoneIn, phoneOut, tIn, tOut []string
			}{
				{ruletemplate.Both, c.phoneIn, c.phoneOut, teamsIn, teamsOut},
				{c.toTeams, c.phoneIn, nil, nil, teamsOut},
				{c.fromTeams, nil, c.phoneOut, teamsIn, nil},
			} {
				rules, err := tpl.Rules(catalog(), d.dir, conns)
				if err != nil || len(rules) != 2 || rules[0].ConnectionID != "cn_phone" || rules[1].ConnectionID != "cn_teams" {
					t.Fatalf("%s: rules %v, %v", d.dir, rules, err)
				}
				for _, g := range []struct {
					name      string
					got, want []string
				}{
					{"phone in", in(rules[0]), d.phoneIn}, {"phone out", out(rules[0]), d.phoneOut},
					{"teams in", in(rules[1]), d.tIn}, {"teams out", out(rules[1]), d.tOut},
				} {
					if !slices.Equal(g.got, g.want) && (len(g.got) != 0 || len(g.want) != 0) {
						t.Errorf("%s, %s: %v, want %v", d.dir, g.name, g.got, g.want)
					}
				}
			}
		})
	}
}
