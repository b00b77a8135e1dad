package ruletemplate

import "presencehub.dev/hub/internal/model"

// Directions of the Aircall ↔ Zendesk template.
const (
	AircallToZendesk = "aircall_to_zendesk"
	ZendeskToAircall = "zendesk_to_aircall"
	Both             = "both"
)

// aircallZendesk is Aircall's "Agent Status Sync" for Zendesk (seed 002): Aircall Available → Zendesk
// Online; Zendesk Online → Aircall Available; Aircall Unavailable → Zendesk Offline; Zendesk Offline,
// Away and Transfers only → Aircall Unavailable; Aircall's Automatic Schedule and Zendesk custom
// statuses are not synced. Aircall's own integration syncs one direction only; through the hub both
// directions at once are safe (the hub drops the echoes of its own writes).
//
// Through the catalog: Aircall available/unavailable read as the first "available"/"offline" statuses,
// Aircall calls and wrap-up as the system statuses standing for a call and for after-call work
// (system_role on_call, after_call_work; shown, never written to Zendesk);
// Zendesk online/offline/away/transfers_only read as available/offline/first away/first busy. Written
// to Aircall: available → available, everything else → unavailable. Written to Zendesk: available →
// online, offline → offline, away statuses → away, busy → transfers_only.
var aircallZendesk = &Template{
	Name:        "aircall-zendesk",
	Description: "Aircall ↔ Zendesk agent status sync (Aircall's Agent Status Sync mapping), in one direction or both.",
	Vendors:     []string{"aircall", "zendesk"},
	Directions:  []string{AircallToZendesk, ZendeskToAircall, Both},
	build:       buildAircallZendesk,
}

func buildAircallZendesk(c catalog, dir string) (map[string]mappings, error) {
	available, err := c.first(model.KindAvailable, true)
	if err != nil {
		return nil, err
	}
	offline, err := c.first(model.KindOffline, true)
	if err != nil {
		return nil, err
	}
	away, _ := c.first(model.KindAway, false)
	busy, _ := c.first(model.KindBusy, false)
	var ac, zd mappings
	if dir == AircallToZendesk || dir == Both {
		ac.in = append(ac.in, model.InboundMapping{VendorState: "available", Status: available},
			model.InboundMapping{VendorState: "unavailable", Status: offline})
		for _, m := range [][2]string{{"in_call", model.SystemOnCall}, {"after_call_work", model.SystemAfterCallWork}} {
			if s := c.role(m[1]); s != "" {
				ac.in = append(ac.in, model.InboundMapping{VendorState: m[0], Status: s})
			}
		}
		zd.out = append(zd.out, model.OutboundMapping{Status: available, VendorState: "online"},
			model.OutboundMapping{Status: offline, VendorState: "offline"})
		for _, s := range c.all(model.KindAway) {
			zd.out = append(zd.out, model.OutboundMapping{Status: s, VendorState: "away"})
		}
		for _, s := range c.all(model.KindBusy) {
			zd.out = append(zd.out, model.OutboundMapping{Status: s, VendorState: "transfers_only"})
		}
	}
	if dir == ZendeskToAircall || dir == Both {
		zd.in = append(zd.in, model.InboundMapping{VendorState: "online", Status: available},
			model.InboundMapping{VendorState: "offline", Status: offline})
		if away != "" {
			zd.in = append(zd.in, model.InboundMapping{VendorState: "away", Status: away})
		}
		if busy != "" {
			zd.in = append(zd.in, model.InboundMapping{VendorState: "transfers_only", Status: busy})
		}
		ac.out = append(ac.out, model.OutboundMapping{Status: available, VendorState: "available"},
			model.OutboundMapping{Status: offline, VendorState: "unavailable"})
		for _, kind := range []string{model.KindAway, model.KindBusy} {
			for _, s := range c.all(kind) {
				ac.out = append(ac.out, model.OutboundMapping{Status: s, VendorState: "unavailable"})
			}
		}
	}
	return map[string]mappings{"aircall": ac, "zendesk": zd}, nil
}
