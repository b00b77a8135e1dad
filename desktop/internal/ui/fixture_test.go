package ui

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"presencehub.dev/desktop/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var (
	t0  = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	now = t0.Add(3 * time.Hour)
)

func snapshot(status, kind string, version int64, source, blocked string, at time.Time) *phv1.Snapshot {
	return &phv1.Snapshot{DeviceId: "dev_1", AgentId: "agt_1", TenantId: "ten_1", BlockedReason: blocked,
		Presence: &phv1.Presence{Status: status, Kind: kind, Version: version, Source: source, SourceId: "dev_1",
			UpdateTime: timestamppb.New(at)},
		SettableStatuses: []*phv1.Status{
			{Name: "available", DisplayName: "Available", Kind: "available"},
			{Name: "busy", DisplayName: "Busy", Kind: "busy"},
			{Name: "lunch", DisplayName: "Lunch", Kind: "away"},
			{Name: "offline", DisplayName: "Offline", Kind: "offline"},
		},
		Vendors: []*phv1.VendorState{
			{ConnectionId: "con_1", ConnectionName: "Aircall", Vendor: "aircall", Sync: "confirmed", VendorState: "available"},
			{ConnectionId: "con_2", ConnectionName: "Zendesk", Vendor: "zendesk", Sync: "error", Detail: "401 from Zendesk"},
		}}
}

// connected is a signed-in tray that saw the agent go from Available (this device) to Busy (an admin).
func connected() model.State {
	s, _ := model.State{HubURL: "https://hub.example.com"}.WithConn(model.Connecting, "")
	s, _, _ = s.WithSnapshot(snapshot("available", "available", 3, "device", "", t0), t0)
	s, _ = s.WithEvent(&phv1.PresenceEvent{Presence: &phv1.Presence{Status: "busy", Kind: "busy", Version: 4,
		Source: "admin", Reason: "covering the queue", PreviousStatus: "available", UpdateTime: timestamppb.New(t0.Add(time.Hour))}}, now)
	return s
}
