// Package shell is the thin glue between the controller and the desktop, without Fyne: it renders
// model.State into the system tray (menu, icon, tooltip through a Tray, fyne.io/systray in the app),
// starts the windows as child processes in window mode and serves them over the single-instance
// socket (package winproto), turns menu clicks and window requests into controller calls, and shows
// notices as desktop notifications (package notify). What it decides is in pure functions tested by
// tables (decide.go); the rest only passes values along.
package shell

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/settings"
	"presencehub.dev/desktop/internal/winproto"
	"presencehub.dev/shared/logkey"
)

// Actions is what the shell asks of the controller.
type Actions interface {
	SetStatus(status string) error
	SignIn(ctx context.Context, hubURL, code string) error
	SignOut(ctx context.Context) error
}

// Tray shows the icon and the menu (SysTray; a fake in tests). Calls come one at a time.
type Tray interface {
	SetMenu(items []model.Item, do func(model.Item))
	SetIcon(model.IconKind)
	SetTooltip(string)
}

// Options configure the shell.
type Options struct {
	Log  *slog.Logger
	Tray Tray
	// Spawn starts a window process of a kind (Spawner); it connects back over the socket.
	Spawn func(kind string) (Process, error)
	// Notify shows a desktop notification (notify.Notifier.Send).
	Notify func(title, body string) error
	// Quit ends the tray (systray.Quit).
	Quit func()
	// Settings are the resolved settings (hub URL for the sign-in window, start at login).
	Settings settings.Settings
	// OnStartAtLogin applies and saves the start-at-login choice; it returns the error to show.
	OnStartAtLogin func(on bool) error
	// OnSignedIn saves the hub URL the agent signed in to (for the next sign-in).
	OnSignedIn func(hubURL string)
	// QuietFirstRun: do not open the sign-in window when the tray starts signed out (a pairing code
	// from the command line is about to sign it in).
	QuietFirstRun bool
	// Settled runs once, on its own goroutine, when the first snapshot is shown: the tray has done its
	// start-up work and from now on waits.
	Settled func()
	Now     func() time.Time
}

// Shell is the tray and the windows' server. Its methods are safe for concurrent use.
type Shell struct {
	o   Options
	log *slog.Logger
	ctx context.Context
	act Actions

	mu       sync.Mutex
	view     view
	state    model.State
	rendered bool
	settled  bool
	signedIn bool               // the tray was signed in (a later SignInRequired reopens the sign-in window)
	windows  map[string]*window // by kind: started or connected
	closed   bool
}

// New builds the shell; Bind it to the controller before Show is called.
func New(o Options) *Shell {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Shell{o: o, log: o.Log.With(slog.String(logkey.Component, "shell")), view: view{icon: -1},
		windows: map[string]*window{}}
}

// Bind connects the shell to the controller. ctx bounds the calls it makes.
func (s *Shell) Bind(ctx context.Context, act Actions) {
	s.ctx, s.act = ctx, act
}

// InstallTray shows the connecting state in the tray once it is up, before the controller starts.
func (s *Shell) InstallTray() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paint(s.view.next(model.State{Conn: model.Connecting}, s.o.Now(), true))
}

// Show implements controller.View: the tray, the open windows and, when the state calls for it, the
// sign-in window.
func (s *Shell) Show(st model.State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := !s.rendered
	s.rendered, s.state = true, st
	if st.Have && !s.settled {
		s.settled = true
		if s.o.Settled != nil {
			go s.o.Settled()
		}
	}
	s.paint(s.view.next(st, s.o.Now(), first))
	for _, w := range s.windows {
		if w.out != nil { // one still starting gets the state when it connects
			w.out.state(st)
		}
	}
	open, closeSignIn, signedIn := signInWindow(first, s.o.QuietFirstRun, s.signedIn, st)
	s.signedIn = signedIn
	if closeSignIn {
		if w := s.windows[winproto.KindSignIn]; w != nil && w.out != nil {
			w.out.send(winproto.ToWindow{Close: true})
		} else if w != nil {
			w.closeOnAttach = true // still starting: it is closed as soon as it connects
		}
	}
	if open {
		s.open(winproto.KindSignIn)
	}
}

// paint hands what changed to the tray. Called with s.mu held.
func (s *Shell) paint(c change) {
	if s.o.Tray == nil {
		return
	}
	if c.items != nil {
		s.o.Tray.SetMenu(c.items, s.do)
	}
	if c.icon {
		s.o.Tray.SetIcon(s.view.icon)
	}
	if c.tip {
		s.o.Tray.SetTooltip(s.view.tip)
	}
}

// Notify implements controller.View: a desktop notification, sent on its own goroutine (the
// controller's lock is held).
func (s *Shell) Notify(n model.Notice) {
	if s.o.Notify == nil {
		return
	}
	go func() {
		if err := s.o.Notify(n.Title, n.Body); err != nil {
			s.log.Warn("desktop notification not shown", slog.String(logkey.Result, n.Title), slog.Any(logkey.Error, err))
		}
	}()
}

// do runs a menu item's action.
func (s *Shell) do(it model.Item) {
	switch it.Action {
	case model.ActSetStatus:
		s.setStatus(it.Status)
	case model.ActOpen:
		s.Open(winproto.KindStatus)
	case model.ActSignIn:
		s.Open(winproto.KindSignIn)
	case model.ActSignOut:
		s.askSignOut() // the status window asks first: a misclick would cost a new pairing code
	case model.ActQuit:
		if s.o.Quit != nil {
			s.o.Quit()
		}
	}
}

func (s *Shell) setStatus(name string) {
	if err := s.act.SetStatus(name); err != nil {
		s.Notify(model.Notice{Title: "Status not changed", Body: err.Error()})
	}
}

func (s *Shell) signOut() {
	if err := s.act.SignOut(s.ctx); err != nil {
		s.log.Warn("signing out", slog.Any(logkey.Error, err))
		s.Notify(model.Notice{Title: "Signed out", Body: err.Error()})
	}
}

func (s *Shell) setStartAtLogin(on bool) {
	if s.o.OnStartAtLogin == nil {
		return
	}
	if err := s.o.OnStartAtLogin(on); err != nil {
		s.log.Warn("changing start at login", slog.Any(logkey.Error, err))
		s.Notify(model.Notice{Title: "Start at login not changed", Body: err.Error()})
	}
}
