package winproto

import (
	"net"
	"reflect"
	"testing"
	"time"

	"presencehub.dev/desktop/internal/model"
)

// TestStateRoundTrip: the state a window shows is the tray's, field for field.
func TestStateRoundTrip(t *testing.T) {
	since := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	st := model.State{Conn: model.Connected, HubURL: "https://hub.example", AgentID: "a1", Have: true,
		Presence: model.Presence{Status: "lunch", Kind: model.KindAway, Version: 7, Source: model.SourceAdmin, Since: since},
		Statuses: []model.Status{{Name: "lunch", Display: "Lunch", Kind: model.KindAway, Color: "#f59e0b"}},
		Vendors:  []model.Vendor{{ID: "c1", Name: "Aircall", Vendor: "aircall", Sync: "confirmed", State: "unavailable"}},
		Pending:  &model.Pending{Status: "available", BaseVersion: 7},
		Timeline: []model.Entry{{Time: since, Status: "lunch", Previous: "busy", Source: model.SourceAdmin, Version: 7}},
	}
	a, b := net.Pipe()
	tray, win := NewConn(a, nil), NewConn(b, nil)
	defer tray.Close()
	defer win.Close()
	go func() {
		_ = tray.Send(ToWindow{Settings: &Settings{HubURL: "https://hub.example", StartAtLoginLocked: true}})
		_ = tray.Send(ToWindow{State: &st})
	}()
	var set, got ToWindow
	if err := win.Receive(&set); err != nil || set.Settings == nil || !set.Settings.StartAtLoginLocked {
		t.Fatalf("settings %+v, %v", set, err)
	}
	if err := win.Receive(&got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got.State, st) {
		t.Fatalf("state after the socket:\n%+v\nwant\n%+v", *got.State, st)
	}
	go func() { _ = win.Send(FromWindow{Op: OpSignIn, ID: 3, HubURL: "https://hub.example", Code: "K7QF"}) }()
	var req FromWindow
	if err := tray.Receive(&req); err != nil || req != (FromWindow{Op: OpSignIn, ID: 3, HubURL: "https://hub.example", Code: "K7QF"}) {
		t.Fatalf("request %+v, %v", req, err)
	}
}
