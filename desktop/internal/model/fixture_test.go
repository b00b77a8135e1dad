package model

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var (
	utc = time.UTC
	t0  = time.Date(2026, 11, 23, 9, 0, 0, 0, utc) // a Monday
	now = t0.Add(3 * time.Hour)
)

const device = "dev_1"

func catalog() []*phv1.Status {
	return []*phv1.Status{
		{Name: "available", DisplayName: "Available", Kind: KindAvailable, Color: "#22c55e"},
		{Name: "busy", DisplayName: "Busy", Kind: KindBusy},
		{Name: "lunch", DisplayName: "Lunch", Kind: KindAway},
		{Name: "offline", DisplayName: "Offline", Kind: KindOffline},
	}
}

func pres(status, kind string, version int64, source, sourceID string, at time.Time) *phv1.Presence {
	return &phv1.Presence{AgentId: "agt_1", Status: status, Kind: kind, Version: version, Source: source,
		SourceId: sourceID, UpdateTime: timestamppb.New(at)}
}

func snapshot(p *phv1.Presence, blocked string) *phv1.Snapshot {
	return &phv1.Snapshot{Presence: p, SettableStatuses: catalog(), TenantId: "ten_1", AgentId: "agt_1", DeviceId: device,
		BlockedReason: blocked, Vendors: []*phv1.VendorState{
			{ConnectionId: "con_air", ConnectionName: "Aircall", Vendor: "aircall", Sync: "confirmed", VendorState: "available"},
			{ConnectionId: "con_zd", ConnectionName: "Zendesk", Vendor: "zendesk", Sync: "error", Detail: "401 from Zendesk"},
		}}
}

// connected is a tray that received a snapshot with the agent Available (version 3, set on this device).
func connected() State {
	s, _ := State{HubURL: "https://hub.example.com"}.WithConn(Connecting, "")
	s, _, _ = s.WithSnapshot(snapshot(pres("available", KindAvailable, 3, SourceDevice, device, t0), ""), t0)
	return s
}
