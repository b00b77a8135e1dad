package ruletemplate

import "presencehub.dev/hub/internal/model"

// Directions of the Salesforce ↔ NICE CXone template.
const (
	SalesforceToCXone = "salesforce_to_cxone"
	CXoneToSalesforce = "cxone_to_salesforce"
)

// salesforceCXone is the presence rule of seeds 003/004 with the statuses those articles use: CXone's
// Available ("Open") ↔ Salesforce's Available_for_Chats, Unavailable ↔ Busy, On_Break ↔ the first away
// status. CXone's unavailable codes and the org's other statuses differ per account: add them to the
// rules (ListVendorStates lists both sides).
//
// Publisher side (CXone → Salesforce): CXone's contact states read as the system status standing for a
// call, After Call Work and Refused as those standing for after-call work and a refused contact
// (system_role on_call, after_call_work, refused; unmapped when the catalog has none), all shown in
// Salesforce as Busy; they are never written to CXone, whose system states are its own. Subscriber side (Salesforce → CXone): Available_for_Chats → Available,
// Busy and On_Break → Unavailable.
var salesforceCXone = &Template{
	Name:        "salesforce-cxone",
	Description: "Salesforce Omni-Channel ↔ NICE CXone presence sync (seeds 003/004: Open ↔ Available for Chats, ACW and contacts published to Salesforce only), in one direction or both.",
	Vendors:     []string{"salesforce", "cxone"},
	Directions:  []string{SalesforceToCXone, CXoneToSalesforce, Both},
	build:       buildSalesforceCXone,
}

func buildSalesforceCXone(c catalog, dir string) (map[string]mappings, error) {
	available, err := c.first(model.KindAvailable, true)
	if err != nil {
		return nil, err
	}
	busy, err := c.first(model.KindBusy, true)
	if err != nil {
		return nil, err
	}
	away, _ := c.first(model.KindAway, false)
	contact, acw, refused := c.role(model.SystemOnCall), c.role(model.SystemAfterCallWork), c.role(model.SystemRefused)
	var sf, cx mappings
	if dir == SalesforceToCXone || dir == Both {
		sf.in = append(sf.in, model.InboundMapping{VendorState: "Available_for_Chats", Status: available},
			model.InboundMapping{VendorState: "Busy", Status: busy})
		if away != "" {
			sf.in = append(sf.in, model.InboundMapping{VendorState: "On_Break", Status: away})
			cx.out = append(cx.out, model.OutboundMapping{Status: away, VendorState: "Unavailable"})
		}
		cx.out = append(cx.out, model.OutboundMapping{Status: available, VendorState: "Available"},
			model.OutboundMapping{Status: busy, VendorState: "Unavailable"})
	}
	if dir == CXoneToSalesforce || dir == Both {
		cx.in = append(cx.in, model.InboundMapping{VendorState: "Available", Status: available},
			model.InboundMapping{VendorState: "Unavailable", Status: busy})
		sf.out = append(sf.out, model.OutboundMapping{Status: available, VendorState: "Available_for_Chats"},
			model.OutboundMapping{Status: busy, VendorState: "Busy"})
		if away != "" {
			sf.out = append(sf.out, model.OutboundMapping{Status: away, VendorState: "On_Break"})
		}
		for _, m := range []struct {
			status string
			states []string
		}{{contact, []string{"InboundContact", "OutboundContact"}}, {acw, []string{"AfterCallWork"}}, {refused, []string{"Refused"}}} {
			if m.status == "" {
				continue
			}
			for _, vs := range m.states {
				cx.in = append(cx.in, model.InboundMapping{VendorState: vs, Status: m.status})
			}
			sf.out = append(sf.out, model.OutboundMapping{Status: m.status, VendorState: "Busy"})
		}
	}
	return map[string]mappings{"salesforce": sf, "cxone": cx}, nil
}
