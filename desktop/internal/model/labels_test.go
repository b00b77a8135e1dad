package model

import (
	"testing"
	"time"
)

func TestSince(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(-time.Hour), "since 11:00"},
		{now.Add(-24 * time.Hour), "since Sun 12:00"},
		{now.Add(-10 * 24 * time.Hour), "since 13 Nov 12:00"},
		{time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := Since(tt.at, now); got != tt.want {
			t.Errorf("Since(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	s := connected()
	s.Vendors = append(s.Vendors, Vendor{ID: "con_td", Name: "talkdesk", Vendor: "talkdesk"})
	tests := []struct{ got, want string }{
		{s.Display("lunch"), "Lunch"},
		{s.Display("after-call_work"), "After call work"},
		{s.Display(""), "Unknown"},
		{VendorLine(Vendor{Name: "Aircall", Sync: "pending", State: "available"}), "Aircall — updating to Available…"},
		{VendorLine(Vendor{Vendor: "zendesk", Sync: "unknown"}), "Zendesk — not synced yet"},
		{VendorLine(Vendor{Name: "cxone", Vendor: "cxone", Sync: "unknown"}), "NICE CXone — not synced yet"},
		{VendorLine(Vendor{Name: "Phones EU", Vendor: "acme", Sync: "error"}), "Phones EU — update failed"},
		{VendorLine(Vendor{Vendor: "zendesk", Sync: "confirmed", State: "away"}), "Zendesk: Away — in sync"},
		{VendorLine(Vendor{Vendor: "salesforce", Sync: "confirmed", State: "On_Break", StateName: "On Break"}), "Salesforce: On Break — in sync"},
		{VendorLine(Vendor{Vendor: "cxone", Sync: "confirmed", State: "Unavailable"}), "NICE CXone: Unavailable — in sync"},
		{VendorLine(Vendor{Vendor: "talkdesk", Sync: "pending", State: "available", Detail: "waiting: the agent is On a Call in Talkdesk; written when that ends"}),
			"Talkdesk — waiting: the agent is On a Call in Talkdesk; written when that ends"},
		{VendorLine(Vendor{Vendor: "genesys", Sync: "confirmed", State: "on_queue", StateName: "On Queue"}), "Genesys Cloud: On Queue — in sync"},
		{VendorLine(Vendor{Vendor: "aircall", Sync: "error", State: "available", Detail: "401 unauthorized"}), "Aircall: Available — update failed: 401 unauthorized"},
		{VendorLine(Vendor{Vendor: "zendesk", Sync: "not_synced", State: "online"}), "Zendesk: Online — not synced for this status"},
		{VendorLine(Vendor{Vendor: "http", Sync: "not_synced", State: "in", StateName: "Clocked in"}), "HTTP: Clocked in — not synced for this status"},
		{VendorLine(Vendor{Vendor: "zendesk", Sync: "not_synced"}), "Zendesk — not synced for this status"},
		{VendorLine(Vendor{Name: "teams", Vendor: "teams", Sync: "confirmed", State: "DoNotDisturb", StateName: "Do not disturb"}), "Microsoft Teams: Do not disturb — in sync"},
		{VendorStateName(Vendor{State: "transfers_only"}), "Transfers Only"},
		{VendorStateName(Vendor{State: "in", StateName: "in"}), "In"},
		{VendorStateName(Vendor{State: "available_for-chats"}), "Available For Chats"},
		{s.EntryLine(Entry{Time: now, Status: "busy", Previous: "available", Source: SourceAdmin, Reason: "covering"}, now), "12:00  Busy ← Available, by an admin: covering"},
		{s.EntryLine(Entry{Time: now, Status: "on-call", Queued: "lunch", Source: SourceSystem}, now), "12:00  On call (then Lunch), by Presence Hub"},
		{s.ConnLabel(), "Connected to hub.example.com"},
		{s.EntryLine(Entry{Time: now, Status: "busy", Source: SourceConnection, SourceID: "con_td"}, now), "12:00  Busy, by Talkdesk"},
		{s.EntryLine(Entry{Time: now, Status: "busy", Source: SourceConnection, SourceID: "con_gone"}, now), "12:00  Busy, by a connected system"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestVendorSync(t *testing.T) {
	for sync, want := range map[string]SyncKind{"confirmed": SyncOK, "pending": SyncPending, "error": SyncError,
		"not_synced": SyncNone, "unknown": SyncNone, "": SyncNone} {
		if got := VendorSync(Vendor{Sync: sync}); got != want {
			t.Errorf("VendorSync(%q) = %v, want %v", sync, got, want)
		}
	}
	seen := map[string]bool{}
	for _, k := range SyncKinds {
		if seen[k.String()] {
			t.Errorf("two sync kinds are called %q", k)
		}
		seen[k.String()] = true
	}
}
