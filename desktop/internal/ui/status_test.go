package ui

import (
	"strings"
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
	if len(c.set) != 1 || c.set[0] != "lunch" || len(c.autostart) != 1 || c.autostart[0] {
		t.Fatalf("actions: %+v", c)
	}
}

// Sign out asks first: one misclick would otherwise mean asking an admin for a new pairing code.
func TestStatusSignOutAsksFirst(t *testing.T) {
	s, w, c := newStatus(t)
	s.SetWindow(w)
	s.Update(connected(), now)
	test.Tap(s.SignOut)
	if c.signOut != 0 {
		t.Fatal("Sign out signed out without asking")
	}
	test.AssertRendersToMarkup(t, "status_confirm_sign_out.xml", w.Canvas())
	test.Tap(s.KeepSignedIn)
	if c.signOut != 0 || s.confirm != nil {
		t.Fatalf("Stay signed in: %d sign-outs, dialog %v", c.signOut, s.confirm)
	}
	test.Tap(s.SignOut)
	test.Tap(s.ConfirmSignOut)
	if c.signOut != 1 || s.confirm != nil {
		t.Fatalf("confirmed: %d sign-outs, dialog %v", c.signOut, s.confirm)
	}
}

// A change made offline that the hub overtook is shown in the window, not only as a notification
// (which no notification daemon may show).
func TestStatusShowsOvertakenChange(t *testing.T) {
	s, w, _ := newStatus(t)
	st, _ := connected().WithConn(model.Disconnected, "connection refused")
	st, _, _ = st.Request("lunch")
	st, _, _ = st.WithSnapshot(snapshot("offline", "offline", 9, "admin", "", now), now)
	s.Update(st, now)
	if !s.Overtaken.Visible() || !strings.Contains(s.Overtaken.Text, "so Lunch was not applied") {
		t.Fatalf("overtaken change: visible %v, %q", s.Overtaken.Visible(), s.Overtaken.Text)
	}
	test.AssertRendersToMarkup(t, "status_overtaken.xml", w.Canvas())
	st, _, _ = st.Request("busy")
	s.Update(st, now)
	if s.Overtaken.Visible() {
		t.Fatal("picking a status again clears the overtaken change")
	}
}

// The window keeps its size: its minimum does not follow the content (more systems, longer reasons,
// more changes), so a window never grows itself (it went 648 → 688 px).
func TestStatusMinSizeDoesNotFollowContent(t *testing.T) {
	s, _, _ := newStatus(t)
	s.Update(connected(), now)
	small := s.Content().MinSize()
	st, _ := connected().WithConn(model.Disconnected, "a long reason why the connection dropped, long enough to wrap over several lines of the window")
	st, _, _ = st.Request("lunch")
	for i := range 12 {
		st.Vendors = append(st.Vendors, model.Vendor{ID: "con", Vendor: "zendesk", Sync: "error", Detail: strings.Repeat("a very long vendor error ", 6+i)})
	}
	for i := range 8 {
		st.Timeline = append(st.Timeline, model.Entry{Time: now, Status: "busy", Previous: "available", Source: "admin", Reason: strings.Repeat("covering ", 10), Version: int64(100 - i)})
	}
	s.Update(st, now)
	if big := s.Content().MinSize(); big.Height != small.Height || big.Width > 860 {
		t.Fatalf("min size %v with more content, %v before: the window would grow", big, small)
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
