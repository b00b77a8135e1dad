package ruletemplate_test

import (
	"errors"
	"slices"
	"testing"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/ruletemplate"
)

func catalog() []*model.Status {
	return []*model.Status{
		{Name: "available", Kind: model.KindAvailable, Order: 0},
		{Name: "busy", Kind: model.KindBusy, Order: 1},
		{Name: "lunch", Kind: model.KindAway, Order: 2},
		{Name: "offline", Kind: model.KindOffline, Order: 3},
		{Name: "on-call", Kind: model.KindSystem, SystemRole: model.SystemOnCall, Order: 4},
	}
}

func pairs[M any](ms []M, f func(M) string) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, f(m))
	}
	slices.Sort(out)
	return out
}

func in(r *model.Rule) []string {
	return pairs(r.Inbound, func(m model.InboundMapping) string { return m.VendorState + ">" + m.Status })
}

func out(r *model.Rule) []string {
	return pairs(r.Outbound, func(m model.OutboundMapping) string { return m.Status + ">" + m.VendorState })
}

func TestServiceNowTalkdeskTemplate(t *testing.T) {
	tpl, err := ruletemplate.Find("servicenow-talkdesk")
	if err != nil {
		t.Fatal(err)
	}
	conns := map[string]string{"servicenow": "cn_sn", "talkdesk": "cn_td"}
	rules, err := tpl.Rules(catalog(), ruletemplate.Both, conns)
	if err != nil || len(rules) != 2 || rules[0].ConnectionID != "cn_sn" || rules[1].ConnectionID != "cn_td" {
		t.Fatalf("rules %v, %v", rules, err)
	}
	sn, td := rules[0], rules[1]
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"servicenow in", in(sn), []string{"available>available", "away>lunch", "offline>offline"}},
		{"servicenow out", out(sn), []string{"available>available", "busy>away", "lunch>away", "offline>offline", "on-call>away"}},
		{"talkdesk in", in(td), []string{"available>available", "away>lunch", "offline>offline", "on_call>on-call"}},
		// Only Available can be written to Talkdesk without knowing the account's custom Busy statuses.
		{"talkdesk out", out(td), []string{"available>available"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %v; want %v", c.name, c.got, c.want)
		}
	}
	one, _ := tpl.Rules(catalog(), ruletemplate.TalkdeskToServiceNow, conns)
	if len(one[0].Inbound) != 0 || len(one[1].Outbound) != 0 || len(one[0].Outbound) == 0 || len(one[1].Inbound) == 0 {
		t.Errorf("talkdesk_to_servicenow: %+v %+v; want Talkdesk read, ServiceNow written, nothing back", one[0], one[1])
	}
	if _, err := tpl.Rules(catalog()[:3], ruletemplate.Both, conns); !errors.Is(err, ruletemplate.ErrCatalog) {
		t.Errorf("catalog without offline: %v; want ErrCatalog", err)
	}
}

func TestSalesforceCXoneTemplate(t *testing.T) {
	tpl, err := ruletemplate.Find("salesforce-cxone")
	if err != nil {
		t.Fatal(err)
	}
	cat := append(catalog(), &model.Status{Name: "acw", Kind: model.KindSystem, SystemRole: model.SystemAfterCallWork, Order: 5},
		&model.Status{Name: "refused", Kind: model.KindSystem, SystemRole: model.SystemRefused, Order: 6})
	rules, err := tpl.Rules(cat, ruletemplate.Both, map[string]string{"salesforce": "cn_sf", "cxone": "cn_cx"})
	if err != nil || len(rules) != 2 {
		t.Fatalf("rules %v, %v", rules, err)
	}
	sf, cx := rules[0], rules[1]
	if sf.ConnectionID != "cn_sf" {
		sf, cx = cx, sf
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"salesforce in", in(sf), []string{"Available_for_Chats>available", "Busy>busy", "On_Break>lunch"}},
		{"salesforce out", out(sf), []string{"acw>Busy", "available>Available_for_Chats", "busy>Busy", "lunch>On_Break", "on-call>Busy", "refused>Busy"}},
		{"cxone in", in(cx), []string{"AfterCallWork>acw", "Available>available", "InboundContact>on-call", "OutboundContact>on-call", "Refused>refused", "Unavailable>busy"}},
		// ACW and contacts are CXone's own system states: published to Salesforce, never written to CXone.
		{"cxone out", out(cx), []string{"available>Available", "busy>Unavailable", "lunch>Unavailable"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %v; want %v", c.name, c.got, c.want)
		}
	}
	oneWay, err := tpl.Rules(cat, ruletemplate.SalesforceToCXone, map[string]string{"salesforce": "cn_sf", "cxone": "cn_cx"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range oneWay {
		if (r.ConnectionID == "cn_sf" && len(r.Outbound) != 0) || (r.ConnectionID == "cn_cx" && len(r.Inbound) != 0) {
			t.Errorf("salesforce→cxone only: %s in %v out %v", r.ConnectionID, in(r), out(r))
		}
	}
}

// Issue 17: system statuses are picked by what they stand for (system_role), not by their position in
// the catalog or their name. A tenant whose first system status is "refused" got Talkdesk on_call
// mapped to it; a status merely named like a role, without it, is not taken either.
func TestSystemStatusesArePickedByRole(t *testing.T) {
	cat := []*model.Status{
		{Name: "available", Kind: model.KindAvailable, Order: 0},
		{Name: "offline", Kind: model.KindOffline, Order: 1},
		{Name: "refused", Kind: model.KindSystem, SystemRole: model.SystemRefused, Order: 2},
		{Name: "on-call", Kind: model.KindSystem, Order: 3}, // named like a call, but stands for nothing
		{Name: "talking", Kind: model.KindSystem, SystemRole: model.SystemOnCall, Order: 4},
		{Name: "wrap-up", Kind: model.KindSystem, SystemRole: model.SystemAfterCallWork, Order: 5},
	}
	conns := map[string]string{"servicenow": "cn_sn", "talkdesk": "cn_td", "aircall": "cn_ac", "zendesk": "cn_zd"}
	tpl, _ := ruletemplate.Find("servicenow-talkdesk")
	rules, err := tpl.Rules(cat, ruletemplate.Both, conns)
	if err != nil {
		t.Fatal(err)
	}
	if got := in(rules[1]); !slices.Contains(got, "on_call>talking") || slices.Contains(got, "on_call>refused") {
		t.Errorf("talkdesk in %v; want on_call mapped to the status standing for a call (talking)", got)
	}
	tpl, _ = ruletemplate.Find("aircall-zendesk")
	rules, err = tpl.Rules(cat, ruletemplate.Both, conns)
	if err != nil {
		t.Fatal(err)
	}
	if got := in(rules[0]); !slices.Contains(got, "in_call>talking") || !slices.Contains(got, "after_call_work>wrap-up") {
		t.Errorf("aircall in %v; want in_call>talking and after_call_work>wrap-up", got)
	}
	// No status stands for a call: on_call is left unmapped rather than guessed.
	tpl, _ = ruletemplate.Find("servicenow-talkdesk")
	none, err := tpl.Rules(cat[:4], ruletemplate.Both, conns)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range none[1].Inbound {
		if m.VendorState == "on_call" {
			t.Errorf("talkdesk on_call mapped to %q; want it unmapped when no status stands for a call", m.Status)
		}
	}
}
