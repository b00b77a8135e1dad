package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"presencehub.dev/desktop/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

type calls struct {
	set             []string
	signIn, signOut int
	autostart       []bool
}

func newStatus(t *testing.T) (*Status, fyne.Window, *calls) {
	test.NewTempApp(t)
	c := &calls{}
	s := NewStatus(Actions{
		SetStatus:       func(n string) { c.set = append(c.set, n) },
		SignIn:          func() { c.signIn++ },
		SignOut:         func() { c.signOut++ },
		SetStartAtLogin: func(on bool) { c.autostart = append(c.autostart, on) },
	})
	w := test.NewTempWindow(t, s.Content())
	w.Resize(fyne.NewSize(860, 540))
	return s, w, c
}

func TestStatusConnected(t *testing.T) {
	s, w, c := newStatus(t)
	s.SetStartAtLogin(true, false)
	s.Update(connected(), now)
	test.AssertRendersToMarkup(t, "status_connected.xml", w.Canvas())
	if s.buttons["busy"].Importance != 1 || s.buttons["lunch"].Disabled() { // HighImportance marks the current one
		t.Fatalf("picker: busy importance %v, lunch disabled %v", s.buttons["busy"].Importance, s.buttons["lunch"].Disabled())
	}
	test.Tap(s.buttons["lunch"])
	test.Tap(s.AutoStart)
	test.Tap(s.SignOut)
	if len(c.set) != 1 || c.set[0] != "lunch" || c.signOut != 1 || len(c.autostart) != 1 || c.autostart[0] {
		t.Fatalf("actions: %+v", c)
	}
}

func TestStatusDisconnectedWithPendingChange(t *testing.T) {
	s, w, _ := newStatus(t)
	st, _ := connected().WithConn(model.Disconnected, "connection refused")
	st, _, _ = st.Request("lunch")
	s.SetStartAtLogin(true, true)
	s.Update(st, now)
	test.AssertRendersToMarkup(t, "status_pending.xml", w.Canvas())
	if !s.AutoStart.Disabled() {
		t.Fatal("an enforced start-at-login must be locked")
	}
}

func TestStatusRefusedDuringCall(t *testing.T) {
	s, w, c := newStatus(t)
	st, _ := connected().WithEvent(&phv1.PresenceEvent{
		Presence:      &phv1.Presence{Status: "on-call", Kind: "system", Version: 5, Source: "system", PreviousStatus: "busy"},
		BlockedReason: "On a call — status changes wait until it ends"}, now)
	st, _, _ = st.Request("lunch")
	st, _ = st.WithAnswer("lunch", model.Answer{Code: "blocked", Reason: "On a call — status changes wait until it ends"})
	s.Update(st, now)
	test.AssertRendersToMarkup(t, "status_refused.xml", w.Canvas())
	for name, b := range s.buttons {
		if !b.Disabled() {
			t.Errorf("%s enabled while changes are refused", name)
		}
	}
	test.Tap(s.buttons["available"])
	if len(c.set) != 0 {
		t.Fatal("a disabled status was sent")
	}
}

func TestStatusSignedOut(t *testing.T) {
	s, w, c := newStatus(t)
	s.Update(connected(), now) // then signed out: everything about the agent goes
	st, _ := connected().WithConn(model.SignedOut, "")
	s.Update(st, now)
	test.AssertRendersToMarkup(t, "status_signed_out.xml", w.Canvas())
	if len(s.Picker.Objects) != 0 || s.SignOut.Visible() || !s.SignIn.Visible() {
		t.Fatal("signed out: no picker, Sign in instead of Sign out")
	}
	test.Tap(s.SignIn)
	if c.signIn != 1 {
		t.Fatal("Sign in not asked for")
	}
}
