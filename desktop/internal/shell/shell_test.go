package shell

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/settings"
	"presencehub.dev/desktop/internal/winproto"
	"presencehub.dev/shared/testwait"
)

// fakes records what the shell asked of the tray, the controller, the spawner and the desktop.
type fakes struct {
	mu        sync.Mutex
	menus     [][]model.Item
	do        func(model.Item)
	icons     []model.IconKind
	statuses  []string
	signIns   []string // hub|code
	signOuts  int
	spawned   []string
	notes     []string
	quit      int
	signInErr error
	loaded    int // LoadTimeline calls
}

func (f *fakes) SetMenu(items []model.Item, do func(model.Item)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.menus, f.do = append(f.menus, items), do
}
func (f *fakes) SetIcon(k model.IconKind) { f.mu.Lock(); f.icons = append(f.icons, k); f.mu.Unlock() }
func (f *fakes) SetTooltip(string)        {}
func (f *fakes) SetStatus(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statuses = append(f.statuses, s)
	return nil
}
func (f *fakes) SignIn(_ context.Context, hub, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signIns = append(f.signIns, hub+"|"+code)
	return f.signInErr
}
func (f *fakes) SignOut(context.Context) error { f.mu.Lock(); f.signOuts++; f.mu.Unlock(); return nil }
func (f *fakes) LoadTimeline(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loaded++
	return nil
}

// proc is a window process that never connects and ends when killed.
type proc struct{ done chan struct{} }

func (p *proc) Wait() error { <-p.done; return nil }
func (p *proc) Kill() error { close(p.done); return nil }

func (f *fakes) spawn(kind string) (Process, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.spawned = append(f.spawned, kind)
	return &proc{done: make(chan struct{})}, nil
}

func (f *fakes) read(fn func()) { f.mu.Lock(); defer f.mu.Unlock(); fn() }

func newShell(t *testing.T, set settings.Settings) (*Shell, *fakes) {
	t.Helper()
	f := &fakes{}
	s := New(Options{Tray: f, Spawn: f.spawn, Settings: set, Quit: func() { f.mu.Lock(); f.quit++; f.mu.Unlock() },
		Notify:     func(title, _ string) error { f.mu.Lock(); f.notes = append(f.notes, title); f.mu.Unlock(); return nil },
		OnSignedIn: func(hub string) {}})
	s.Bind(context.Background(), f)
	t.Cleanup(s.Close)
	return s, f
}

// peer is the window's end of a connection served by the shell.
type peer struct {
	conn *winproto.Conn
	in   chan winproto.ToWindow
}

func attach(t *testing.T, s *Shell, kind string) *peer {
	t.Helper()
	a, b := net.Pipe()
	go s.Attach(kind, winproto.NewConn(a, nil))
	p := &peer{conn: winproto.NewConn(b, nil), in: make(chan winproto.ToWindow, 100)}
	go func() {
		defer close(p.in)
		for {
			var m winproto.ToWindow
			if err := p.conn.Receive(&m); err != nil {
				return
			}
			p.in <- m
		}
	}()
	t.Cleanup(func() { p.conn.Close() })
	return p
}

// next waits for the next message that matches.
func (p *peer) next(t *testing.T, what string, match func(winproto.ToWindow) bool) winproto.ToWindow {
	t.Helper()
	deadline := time.After(testwait.Default)
	for {
		select {
		case m, ok := <-p.in:
			if !ok {
				t.Fatalf("connection closed while waiting for %s", what)
			}
			if match(m) {
				return m
			}
		case <-deadline:
			t.Fatalf("no %s", what)
		}
	}
}

func TestFirstRunOpensSignInAndServesIt(t *testing.T) {
	set := settings.Settings{HubURL: settings.Value[string]{V: "https://hub.example", Source: settings.Default}}
	s, f := newShell(t, set)
	s.Show(model.State{Conn: model.SignedOut})
	f.read(func() {
		if len(f.spawned) != 1 || f.spawned[0] != winproto.KindSignIn || len(f.menus) != 1 || f.icons[0] != model.IconSignedOut {
			t.Fatalf("spawned %v, menus %d, icons %v", f.spawned, len(f.menus), f.icons)
		}
	})
	s.Open(winproto.KindSignIn) // asked again while starting: no second process
	w := attach(t, s, winproto.KindSignIn)
	first := w.next(t, "settings", func(m winproto.ToWindow) bool { return m.Settings != nil })
	if first.Settings.HubURL != "https://hub.example" || first.Settings.HubURLLocked {
		t.Fatalf("settings %+v", first.Settings)
	}

	f.mu.Lock()
	f.signInErr = hubapi.ErrBadCode
	f.mu.Unlock()
	if err := w.conn.Send(winproto.FromWindow{Op: winproto.OpSignIn, ID: 1, HubURL: "https://hub.example", Code: "BAD"}); err != nil {
		t.Fatal(err)
	}
	res := w.next(t, "result 1", func(m winproto.ToWindow) bool { return m.Result != nil })
	if res.Result.ID != 1 || res.Result.Err == "" {
		t.Fatalf("result %+v", res.Result)
	}
	f.mu.Lock()
	f.signInErr = nil
	f.mu.Unlock()
	if err := w.conn.Send(winproto.FromWindow{Op: winproto.OpSignIn, ID: 2, HubURL: "https://hub.example", Code: "GOOD"}); err != nil {
		t.Fatal(err)
	}
	if res := w.next(t, "result 2", func(m winproto.ToWindow) bool { return m.Result != nil }); res.Result.Err != "" {
		t.Fatalf("result %+v", res.Result)
	}
	w.next(t, "close after signing in", func(m winproto.ToWindow) bool { return m.Close })
	f.read(func() {
		if len(f.spawned) != 1 || len(f.signIns) != 2 || f.signIns[1] != "https://hub.example|GOOD" {
			t.Fatalf("spawned %v, sign-ins %v", f.spawned, f.signIns)
		}
	})
}

func TestStatusWindowIsLiveAndActs(t *testing.T) {
	s, f := newShell(t, settings.Settings{})
	s.Show(model.State{Conn: model.Connected, Have: true, Presence: model.Presence{Status: "busy", Kind: model.KindBusy, Version: 1}})
	f.read(func() {
		if len(f.spawned) != 0 {
			t.Fatalf("a signed-in tray opened %v", f.spawned)
		}
	})
	w := attach(t, s, winproto.KindStatus)
	w.next(t, "settings", func(m winproto.ToWindow) bool { return m.Settings != nil })
	w.next(t, "the current state", func(m winproto.ToWindow) bool { return m.State != nil && m.State.Presence.Status == "busy" })
	testwait.For(t, "the hub's recent changes to be loaded for the window", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.loaded == 1
	})
	s.Show(model.State{Conn: model.Connected, Have: true, Presence: model.Presence{Status: "lunch", Kind: model.KindAway, Version: 2}})
	w.next(t, "the new state", func(m winproto.ToWindow) bool { return m.State != nil && m.State.Presence.Status == "lunch" })

	for _, m := range []winproto.FromWindow{{Op: winproto.OpSetStatus, Status: "available"}, {Op: winproto.OpSignOut}} {
		if err := w.conn.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	testwait.For(t, "the window's requests to reach the controller", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.statuses) == 1 && f.statuses[0] == "available" && f.signOuts == 1
	})

	s.Open(winproto.KindStatus) // the menu's Open, or a second presence-tray: raise, do not start another
	w.next(t, "raise", func(m winproto.ToWindow) bool { return m.Raise })
	again := attach(t, s, winproto.KindStatus) // a second status window is turned away
	again.next(t, "close for a second window", func(m winproto.ToWindow) bool { return m.Close })
	w.next(t, "raise for the open one", func(m winproto.ToWindow) bool { return m.Raise })
	f.read(func() {
		if len(f.spawned) != 0 {
			t.Fatalf("spawned %v while a status window was open", f.spawned)
		}
	})

	s.Close() // the tray quits: the window is told to close
	w.next(t, "close when the tray quits", func(m winproto.ToWindow) bool { return m.Close })
}

func TestMenuActions(t *testing.T) {
	s, f := newShell(t, settings.Settings{})
	s.Show(model.State{Conn: model.Connected, Have: true, Statuses: []model.Status{{Name: "lunch", Display: "Lunch", Kind: model.KindAway}},
		Presence: model.Presence{Status: "busy", Kind: model.KindBusy, Version: 1}})
	var do func(model.Item)
	f.read(func() { do = f.do })
	do(model.Item{Action: model.ActSetStatus, Status: "lunch"})
	do(model.Item{Action: model.ActSignOut}) // opens the status window, which asks first
	do(model.Item{Action: model.ActOpen})    // already starting: no second one
	do(model.Item{Action: model.ActQuit})
	testwait.For(t, "the menu's actions", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.statuses) == 1 && len(f.spawned) == 1 && f.spawned[0] == winproto.KindStatus && f.signOuts == 0 && f.quit == 1
	})
	w := attach(t, s, winproto.KindStatus)
	w.next(t, "the sign-out question", func(m winproto.ToWindow) bool { return m.AskSignOut })
	do(model.Item{Action: model.ActSignOut}) // again, with the window open
	w.next(t, "the sign-out question again", func(m winproto.ToWindow) bool { return m.AskSignOut })
	if err := w.conn.Send(winproto.FromWindow{Op: winproto.OpSignOut}); err != nil { // the agent confirmed
		t.Fatal(err)
	}
	testwait.For(t, "the confirmed sign-out", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.signOuts == 1
	})
}

func TestHubSignOutReopensSignIn(t *testing.T) {
	s, f := newShell(t, settings.Settings{})
	s.Show(model.State{Conn: model.Connecting})
	s.Show(model.State{Conn: model.SignInRequired})
	f.read(func() {
		if len(f.spawned) != 1 || f.spawned[0] != winproto.KindSignIn {
			t.Fatalf("spawned %v", f.spawned)
		}
	})
	s.Notify(model.Notice{Title: "Sign in to Presence Hub again"})
	testwait.For(t, "the notification", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.notes) == 1
	})
}

func TestSettledOnceAfterTheFirstSnapshot(t *testing.T) {
	settled := make(chan struct{}, 2)
	s := New(Options{Settled: func() { settled <- struct{}{} }})
	s.Show(model.State{Conn: model.Connecting})
	s.Show(model.State{Conn: model.Connected, Have: true})
	s.Show(model.State{Conn: model.Disconnected, Have: true})
	s.Show(model.State{Conn: model.Connected, Have: true})
	select {
	case <-settled:
	case <-time.After(testwait.Default):
		t.Fatal("never settled")
	}
	s.Close()
	if len(settled) != 0 {
		t.Fatal("settled more than once")
	}
}

// A state arriving while a window process is still starting (spawned, not connected yet) reaches it
// when it connects; a sign-in window no longer wanted by then (signed in meanwhile, e.g. by
// --pairing-code or another instance) is closed as it connects. Before, the state was handed to the
// window's writer, which does not exist until it connects: the tray crashed (scripts/screenshot).
func TestStateWhileAWindowIsStarting(t *testing.T) {
	s, f := newShell(t, settings.Settings{})
	s.Show(model.State{Conn: model.SignedOut})
	f.read(func() {
		if len(f.spawned) != 1 || f.spawned[0] != winproto.KindSignIn {
			t.Fatalf("spawned %v; want the sign-in window", f.spawned)
		}
	})
	s.Show(model.State{Conn: model.Connected, Have: true, AgentID: "ag_1"}) // signed in meanwhile
	w := attach(t, s, winproto.KindSignIn)
	st := w.next(t, "the state", func(m winproto.ToWindow) bool { return m.State != nil })
	if st.State.AgentID != "ag_1" || !st.State.Have {
		t.Fatalf("state %+v; want the latest", st.State)
	}
	w.next(t, "close: signed in while it started", func(m winproto.ToWindow) bool { return m.Close })
}
