package window

import (
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/winproto"
	"presencehub.dev/shared/testwait"
)

// tray is the tray's end of a window's connection: what the window asked for.
type tray struct {
	conn *winproto.Conn
	got  chan winproto.FromWindow
}

func newWindow(t *testing.T, kind string, set winproto.Settings) (*win, *tray, *atomic.Int32) {
	t.Helper()
	a := test.NewTempApp(t)
	x, y := net.Pipe()
	tr := &tray{conn: winproto.NewConn(y, nil), got: make(chan winproto.FromWindow, 10)}
	go func() {
		for {
			var m winproto.FromWindow
			if err := tr.conn.Receive(&m); err != nil {
				close(tr.got)
				return
			}
			tr.got <- m
		}
	}()
	conn := winproto.NewConn(x, nil)
	t.Cleanup(func() { conn.Close(); tr.conn.Close() })
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	w := newWin(a, Options{Kind: kind, Now: func() time.Time { return now }}, conn, set)
	quits := new(atomic.Int32)
	w.quit = func() { quits.Add(1) }
	return w, tr, quits
}

func (tr *tray) next(t *testing.T) winproto.FromWindow {
	t.Helper()
	select {
	case m := <-tr.got:
		return m
	case <-time.After(testwait.Default):
		t.Fatal("the window asked nothing")
		return winproto.FromWindow{}
	}
}

func TestSignInWindow(t *testing.T) {
	w, tr, quits := newWindow(t, winproto.KindSignIn, winproto.Settings{HubURL: "https://hub.example"})
	if w.signIn.HubURL.Text != "https://hub.example" || w.signIn.HubURL.Disabled() {
		t.Fatalf("hub URL %q, disabled %v", w.signIn.HubURL.Text, w.signIn.HubURL.Disabled())
	}
	test.Type(w.signIn.Code, "K7QF-M2XD")
	test.Tap(w.signIn.Submit)
	if m := tr.next(t); m != (winproto.FromWindow{Op: winproto.OpSignIn, ID: 1, HubURL: "https://hub.example", Code: "K7QF-M2XD"}) {
		t.Fatalf("asked %+v", m)
	}
	if !w.signIn.Submit.Disabled() {
		t.Fatal("Sign in is not busy while the tray signs in")
	}
	w.apply(winproto.ToWindow{Result: &winproto.Result{ID: 1, Err: "That pairing code is unknown, used or expired."}})
	if !strings.Contains(w.signIn.Message.Text, "unknown") || w.signIn.Submit.Disabled() {
		t.Fatalf("after a refused code: message %q, submit disabled %v", w.signIn.Message.Text, w.signIn.Submit.Disabled())
	}
	w.apply(winproto.ToWindow{Close: true}) // signed in: the tray closes the window
	if n := quits.Load(); n != 1 {
		t.Fatalf("quit %d times", n)
	}
}

func TestStatusWindow(t *testing.T) {
	w, tr, quits := newWindow(t, winproto.KindStatus, winproto.Settings{StartAtLogin: true, StartAtLoginLocked: true})
	if !w.status.AutoStart.Checked || !w.status.AutoStart.Disabled() {
		t.Fatal("start at login should show on and locked")
	}
	st := model.State{Conn: model.Connected, Have: true, Presence: model.Presence{Status: "busy", Kind: model.KindBusy, Version: 1},
		Statuses: []model.Status{{Name: "busy", Display: "Busy", Kind: model.KindBusy}, {Name: "lunch", Display: "Lunch", Kind: model.KindAway}}}
	w.apply(winproto.ToWindow{State: &st})
	if !strings.Contains(w.status.Headline.Text, "Busy") {
		t.Fatalf("headline %q", w.status.Headline.Text)
	}
	test.Tap(w.status.Picker.Objects[1].(*widget.Button))
	if m := tr.next(t); m != (winproto.FromWindow{Op: winproto.OpSetStatus, Status: "lunch"}) {
		t.Fatalf("asked %+v", m)
	}
	w.apply(winproto.ToWindow{AskSignOut: true}) // the menu's Sign out: the window asks first
	test.Tap(w.status.ConfirmSignOut)
	if m := tr.next(t); m.Op != winproto.OpSignOut {
		t.Fatalf("asked %+v", m)
	}
	test.Tap(w.status.AutoStart) // locked: nothing is asked
	signedOut := model.State{Conn: model.SignedOut}
	w.apply(winproto.ToWindow{State: &signedOut})
	test.Tap(w.status.SignIn)
	if m := tr.next(t); m.Op != winproto.OpOpenSignIn {
		t.Fatalf("asked %+v", m)
	}

	done := make(chan struct{})
	go func() { w.receive(slog.New(slog.DiscardHandler)); close(done) }()
	tr.conn.Close() // the tray went away: the window ends
	select {
	case <-done:
	case <-time.After(testwait.Default):
		t.Fatal("the window kept running without its tray")
	}
	testwait.For(t, "the window to quit", func() bool { return quits.Load() == 1 })
}
