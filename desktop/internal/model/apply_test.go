package model

import (
	"strings"
	"testing"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

func TestWithSnapshotFillsState(t *testing.T) {
	s := connected()
	if s.Conn != Connected || !s.Have || s.DeviceID != device || s.Presence.Status != "available" || s.Presence.Version != 3 {
		t.Fatalf("state after snapshot: %+v", s)
	}
	if len(s.Statuses) != 4 || s.Statuses[2].Display != "Lunch" || len(s.Vendors) != 2 || s.Vendors[1].Detail != "401 from Zendesk" {
		t.Fatalf("catalog or vendors: %+v %+v", s.Statuses, s.Vendors)
	}
	if len(s.Timeline) != 1 || s.Timeline[0].Status != "available" || !s.Timeline[0].Time.Equal(t0) {
		t.Fatalf("timeline should start with the current presence: %+v", s.Timeline)
	}
}

func TestEventsAndNotices(t *testing.T) {
	tests := []struct {
		name       string
		ev         *phv1.PresenceEvent
		wantStatus string
		wantNotice NoticeKind // 0: none
		wantText   string
	}{
		{"own change is not announced", &phv1.PresenceEvent{Presence: pres("lunch", KindAway, 4, SourceDevice, device, now)}, "lunch", 0, ""},
		{"admin change is announced", &phv1.PresenceEvent{Presence: withReason(pres("busy", KindBusy, 4, SourceAdmin, "key_1", now), "covering")}, "busy", NoticeChanged, "Changed by an admin: covering."},
		{"vendor change names the connection", &phv1.PresenceEvent{Presence: pres("offline", KindOffline, 4, SourceConnection, "con_air", now)}, "offline", NoticeChanged, "Changed by Aircall."},
		{"another device of the agent", &phv1.PresenceEvent{Presence: pres("lunch", KindAway, 4, SourceDevice, "dev_2", now)}, "lunch", NoticeChanged, "Changed by you, on another device."},
		{"system state", &phv1.PresenceEvent{Presence: pres("on-call", KindSystem, 4, SourceSystem, "", now), BlockedReason: "On a call — a status you pick now applies when it ends"}, "on-call", NoticeChanged, "Your status is now On a call"},
		{"old event ignored", &phv1.PresenceEvent{Presence: pres("busy", KindBusy, 3, SourceAdmin, "", now)}, "available", 0, ""},
		{"team event ignored", &phv1.PresenceEvent{TeamId: "team_1", Presence: pres("busy", KindBusy, 9, SourceAdmin, "", now)}, "available", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, notes := connected().WithEvent(tt.ev, now)
			if s.Presence.Status != tt.wantStatus {
				t.Fatalf("status = %q, want %q", s.Presence.Status, tt.wantStatus)
			}
			if tt.wantNotice == 0 {
				if len(notes) != 0 {
					t.Fatalf("unexpected notices %+v", notes)
				}
				return
			}
			if len(notes) != 1 || notes[0].Kind != tt.wantNotice || !strings.Contains(notes[0].Title+" "+notes[0].Body, tt.wantText) {
				t.Fatalf("notices = %+v, want kind %d containing %q", notes, tt.wantNotice, tt.wantText)
			}
			if tt.wantStatus != "available" && (len(s.Timeline) != 2 || s.Timeline[0].Status != tt.wantStatus) {
				t.Fatalf("timeline = %+v", s.Timeline)
			}
		})
	}
}

func withReason(p *phv1.Presence, r string) *phv1.Presence { p.Reason = r; return p }

func TestRequest(t *testing.T) {
	refused := connected()
	refused.Refused = "On a call — status changes wait until it ends"
	offline, _ := connected().WithConn(Disconnected, "hub went away")
	tests := []struct {
		name     string
		s        State
		status   string
		wantSend bool
		wantErr  string
		wantPend *Pending
	}{
		{"connected sends at once", connected(), "lunch", true, "", &Pending{Status: "lunch", BaseVersion: 3, Sent: true}},
		{"disconnected keeps it pending", offline, "lunch", false, "", &Pending{Status: "lunch", BaseVersion: 3}},
		{"same status is a no-op", connected(), "available", false, "", nil},
		{"unknown status", connected(), "on-call", false, "On call is not a status you can pick.", nil},
		{"signed out", State{}, "lunch", false, "Sign in first.", nil},
		{"refused during system state", refused, "lunch", false, "On a call — status changes wait until it ends", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, send, errText := tt.s.Request(tt.status)
			if send != tt.wantSend || errText != tt.wantErr {
				t.Fatalf("send, err = %v, %q; want %v, %q", send, errText, tt.wantSend, tt.wantErr)
			}
			if (s.Pending == nil) != (tt.wantPend == nil) || (s.Pending != nil && *s.Pending != *tt.wantPend) {
				t.Fatalf("pending = %+v, want %+v", s.Pending, tt.wantPend)
			}
		})
	}
}

// A change made while disconnected is sent after the reconnect's snapshot, unless the hub moved on.
func TestPendingAfterReconnect(t *testing.T) {
	offline, _ := connected().WithConn(Disconnected, "network down")
	offline, _, _ = offline.Request("lunch")

	t.Run("hub unchanged: send", func(t *testing.T) {
		s, notes, send := offline.WithSnapshot(snapshot(pres("available", KindAvailable, 3, SourceDevice, device, t0), ""), now)
		if send != "lunch" || len(notes) != 0 || s.Pending == nil || !s.Pending.Sent {
			t.Fatalf("send %q notes %+v pending %+v", send, notes, s.Pending)
		}
		if s.Headline() != "Available → Lunch (sending…)" {
			t.Fatalf("headline %q", s.Headline())
		}
	})
	t.Run("hub moved on: hub wins and the agent is told", func(t *testing.T) {
		s, notes, send := offline.WithSnapshot(snapshot(pres("busy", KindBusy, 4, SourceAdmin, "key_1", now), ""), now)
		if send != "" || s.Pending != nil || s.Presence.Status != "busy" {
			t.Fatalf("send %q pending %+v status %s", send, s.Pending, s.Presence.Status)
		}
		if len(notes) != 2 || notes[0].Kind != NoticeChanged || notes[1].Kind != NoticeHubWon ||
			!strings.Contains(notes[1].Body, "your status became Busy (an admin), so Lunch was not applied") {
			t.Fatalf("notices %+v", notes)
		}
	})
	t.Run("hub already there: nothing to send", func(t *testing.T) {
		s, _, send := offline.WithSnapshot(snapshot(pres("lunch", KindAway, 4, SourceDevice, "dev_2", now), ""), now)
		if send != "" || s.Pending != nil {
			t.Fatalf("send %q pending %+v", send, s.Pending)
		}
	})
}

func TestWithAnswer(t *testing.T) {
	sent, _, _ := connected().Request("lunch")
	tests := []struct {
		name        string
		a           Answer
		wantPending *Pending
		wantRefused string
		wantNotice  bool
	}{
		{"applied", Answer{Outcome: "applied"}, nil, "", false},
		{"queued", Answer{Outcome: "queued", Reason: "On a call — will switch to Lunch when it ends"}, nil, "", false},
		{"blocked disables statuses", Answer{Code: "blocked", Reason: "On a call — status changes wait until it ends"}, nil, "On a call — status changes wait until it ends", true},
		{"not settable", Answer{Code: "not_settable", Reason: "Training"}, nil, "", true},
		{"lost waits for the next connection", Answer{Lost: true}, &Pending{Status: "lunch", BaseVersion: 3}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, notes := sent.WithAnswer("lunch", tt.a)
			if (s.Pending == nil) != (tt.wantPending == nil) || (s.Pending != nil && *s.Pending != *tt.wantPending) {
				t.Fatalf("pending %+v want %+v", s.Pending, tt.wantPending)
			}
			if s.Refused != tt.wantRefused || (len(notes) == 1) != tt.wantNotice {
				t.Fatalf("refused %q notes %+v", s.Refused, notes)
			}
		})
	}
}

func TestSignInRequiredAndSignOut(t *testing.T) {
	s, notes := connected().WithConn(SignInRequired, "device revoked")
	if len(notes) != 1 || notes[0].Kind != NoticeSignIn || s.SignedIn() {
		t.Fatalf("sign-in required: %+v %+v", s, notes)
	}
	s, _ = connected().WithConn(SignedOut, "")
	if s.Have || s.HubURL != "https://hub.example.com" || len(s.Timeline) != 0 {
		t.Fatalf("signed out keeps only the hub URL: %+v", s)
	}
}

func TestTimelineIsBounded(t *testing.T) {
	s := connected()
	for v := int64(4); v < 4+2*maxTimeline; v++ {
		s, _ = s.WithEvent(&phv1.PresenceEvent{Presence: pres([]string{"busy", "lunch"}[v%2], KindBusy, v, SourceDevice, device, now)}, now)
	}
	if len(s.Timeline) != maxTimeline || s.Timeline[0].Version != 3+2*maxTimeline {
		t.Fatalf("timeline has %d entries, newest version %d", len(s.Timeline), s.Timeline[0].Version)
	}
}

func TestWithVendorsReplacesTheSystemsShown(t *testing.T) {
	s := connected()
	s = s.WithVendors(&phv1.VendorUpdate{Version: 3, Vendors: []*phv1.VendorState{
		{ConnectionId: "con_ac", Vendor: "aircall", Sync: "confirmed", VendorState: "available", VendorStateName: "Available"},
	}})
	if len(s.Vendors) != 1 || s.Vendors[0].Sync != "confirmed" || s.Vendors[0].State != "available" || s.Vendors[0].StateName != "Available" {
		t.Fatalf("vendors after update: %+v", s.Vendors)
	}
	items := Menu(s, t0)
	found := false
	for _, it := range items {
		found = found || it.Label == "Aircall: Available — in sync"
	}
	if !found {
		t.Fatalf("menu does not show the confirmed system: %+v", items)
	}
	if out := (State{}).WithVendors(&phv1.VendorUpdate{Vendors: []*phv1.VendorState{{Vendor: "aircall"}}}); len(out.Vendors) != 0 {
		t.Fatalf("an update before any snapshot must not invent a state: %+v", out.Vendors)
	}
}

func TestOvertakenShownUntilNextPick(t *testing.T) {
	offline, _ := connected().WithConn(Disconnected, "hub went away")
	offline, _, _ = offline.Request("lunch")
	s, _, _ := offline.WithSnapshot(snapshot(pres("busy", KindBusy, 4, SourceAdmin, "key_1", now), ""), now)
	if !strings.Contains(s.Overtaken, "your status became Busy (an admin), so Lunch was not applied") {
		t.Fatalf("Overtaken = %q", s.Overtaken)
	}
	s, _ = s.WithEvent(&phv1.PresenceEvent{Presence: pres("available", KindAvailable, 5, SourceAdmin, "key_1", now)}, now)
	if s.Overtaken == "" {
		t.Fatal("a later change must not hide the overtaken change before the agent acted")
	}
	s, _, _ = s.Request("lunch")
	if s.Overtaken != "" {
		t.Fatalf("picking a status again clears it, got %q", s.Overtaken)
	}
	if s2, _ := offline.WithConn(SignedOut, ""); s2.Overtaken != "" {
		t.Fatal("signed out keeps nothing")
	}
}
