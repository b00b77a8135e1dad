package ruletemplate

import "presencehub.dev/hub/internal/model"

// Directions of the ServiceNow ↔ Talkdesk template.
const (
	ServiceNowToTalkdesk = "servicenow_to_talkdesk"
	TalkdeskToServiceNow = "talkdesk_to_servicenow"
)

// servicenowTalkdesk is the portable part of the Talkdesk ServiceNow Connector's presence sync (seed
// 000), whose mappings the admin sets per account: ServiceNow AWA Available/Away/Offline and Talkdesk
// Available, Offline, On a Call and the generic Busy. Talkdesk's custom Busy statuses differ per
// account ("busy:<id>"), so the template maps none: add them to the Talkdesk rule (ListVendorStates
// lists them). Written to Talkdesk: Available only, since a Talkdesk status can only be changed to
// Available or a custom Busy status, and never while the agent is Offline or On a Call (the adapter
// holds such writes back).
//
// Through the catalog: ServiceNow available/away/offline read as the first available/away/offline
// statuses; Talkdesk available/offline likewise, its generic Busy as the first away status and On a
// Call as the system status standing for a call (system_role on_call; unmapped when there is none).
// Written to ServiceNow: available → available, offline → offline, away and busy statuses → away, and
// the call status → away, so AWA offers no work during a call.
var servicenowTalkdesk = &Template{
	Name:        "servicenow-talkdesk",
	Description: "ServiceNow AWA ↔ Talkdesk presence sync (the Talkdesk ServiceNow Connector's mapping, without account-specific custom Busy statuses), in one direction or both.",
	Vendors:     []string{"servicenow", "talkdesk"},
	Directions:  []string{ServiceNowToTalkdesk, TalkdeskToServiceNow, Both},
	build:       buildServiceNowTalkdesk,
}

func buildServiceNowTalkdesk(c catalog, dir string) (map[string]mappings, error) {
	available, err := c.first(model.KindAvailable, true)
	if err != nil {
		return nil, err
	}
	offline, err := c.first(model.KindOffline, true)
	if err != nil {
		return nil, err
	}
	away, _ := c.first(model.KindAway, false)
	call := c.role(model.SystemOnCall)
	var sn, td mappings
	if dir == ServiceNowToTalkdesk || dir == Both {
		sn.in = append(sn.in, model.InboundMapping{VendorState: "available", Status: available},
			model.InboundMapping{VendorState: "offline", Status: offline})
		if away != "" {
			sn.in = append(sn.in, model.InboundMapping{VendorState: "away", Status: away})
		}
		td.out = append(td.out, model.OutboundMapping{Status: available, VendorState: "available"})
	}
	if dir == TalkdeskToServiceNow || dir == Both {
		td.in = append(td.in, model.InboundMapping{VendorState: "available", Status: available},
			model.InboundMapping{VendorState: "offline", Status: offline})
		if away != "" {
			td.in = append(td.in, model.InboundMapping{VendorState: "away", Status: away})
		}
		if call != "" {
			td.in = append(td.in, model.InboundMapping{VendorState: "on_call", Status: call})
			sn.out = append(sn.out, model.OutboundMapping{Status: call, VendorState: "away"})
		}
		sn.out = append(sn.out, model.OutboundMapping{Status: available, VendorState: "available"},
			model.OutboundMapping{Status: offline, VendorState: "offline"})
		for _, kind := range []string{model.KindAway, model.KindBusy} {
			for _, s := range c.all(kind) {
				sn.out = append(sn.out, model.OutboundMapping{Status: s, VendorState: "away"})
			}
		}
	}
	return map[string]mappings{"servicenow": sn, "talkdesk": td}, nil
}
