// Package shell is the thin glue between the controller and fyne: it renders model.State into the
// system tray (menu, icon, tooltip through desktop.App) and the windows of package ui, turns menu
// clicks and window buttons into controller calls, and shows notices as desktop notifications. All
// fyne calls happen on fyne's goroutine (fyne.Do); the logic it calls is tested elsewhere.
package shell

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/settings"
	"presencehub.dev/desktop/internal/ui"
	"presencehub.dev/shared/logkey"
)

// Actions is what the shell asks of the controller.
type Actions interface {
	SetStatus(status string) error
	SignIn(ctx context.Context, hubURL, code string) error
	SignOut(ctx context.Context) error
}

// Options configure the shell.
type Options struct {
	App fyne.App
	Log *slog.Logger
	// Settings are the resolved settings (hub URL for the sign-in window, start at login).
	Settings settings.Settings
	// OnStartAtLogin applies and saves the start-at-login choice; it returns the error to show.
	OnStartAtLogin func(on bool) error
	// OnSignedIn saves the hub URL the agent signed in to (for the next sign-in).
	OnSignedIn func(hubURL string)
	// QuietFirstRun: do not open the sign-in window when the tray starts signed out (a pairing code
	// from the command line is about to sign it in).
	QuietFirstRun bool
	Now           func() time.Time
}

// Shell is the tray and the windows. Show and Notify may be called from any goroutine.
type Shell struct {
	o    Options
	log  *slog.Logger
	desk desktop.App // nil where there is no tray (tests)
	ctx  context.Context
	act  Actions

	// Touched on fyne's goroutine only.
	status      *ui.Status
	main        fyne.Window
	signIn      *ui.SignIn
	signInWin   fyne.Window
	lastItems   []model.Item
	lastIcon    model.IconKind
	lastTip     string
	state       model.State
	rendered    bool
	wasSignedIn bool
}

// New builds the shell; Bind it to the controller before Show is called.
func New(o Options) *Shell {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Shell{o: o, log: o.Log.With(slog.String(logkey.Component, "shell")), lastIcon: -1}
	s.desk, _ = o.App.(desktop.App)
	o.App.Settings().SetTheme(ui.Theme()) // legible muted text (since, hints, a disabled Sign in)
	return s
}

// Bind connects the shell to the controller. ctx bounds the calls it makes.
func (s *Shell) Bind(ctx context.Context, act Actions) {
	s.ctx, s.act = ctx, act
}

// InstallTray puts the icon and a first menu in the system tray. Call it before the fyne app runs:
// fyne starts its tray only for a menu set before Run.
func (s *Shell) InstallTray() {
	if s.desk == nil {
		return
	}
	st := model.State{Conn: model.Connecting}
	s.lastItems, s.lastIcon = model.Menu(st, s.o.Now()), model.Icon(st)
	s.desk.SetSystemTrayMenu(TrayMenu(s.lastItems, s.do))
	s.desk.SetSystemTrayIcon(ui.IconResource(s.lastIcon))
}

// Show implements controller.View.
func (s *Shell) Show(st model.State) { fyne.Do(func() { s.render(st) }) }

// Notify implements controller.View: a desktop notification.
func (s *Shell) Notify(n model.Notice) {
	fyne.Do(func() { s.o.App.SendNotification(fyne.NewNotification(n.Title, n.Body)) })
}

// render shows a state in the tray and the windows. On fyne's goroutine.
func (s *Shell) render(st model.State) {
	first := !s.rendered
	s.rendered, s.state = true, st
	now := s.o.Now()
	if s.desk != nil {
		items := model.Menu(st, now)
		if first || !slices.Equal(items, s.lastItems) {
			s.lastItems = items
			s.desk.SetSystemTrayMenu(TrayMenu(items, s.do))
		}
		if icon := model.Icon(st); icon != s.lastIcon {
			s.lastIcon = icon
			s.desk.SetSystemTrayIcon(ui.IconResource(icon))
		}
		if tip := model.Tooltip(st, now); tip != s.lastTip {
			s.lastTip = tip
			systray.SetTooltip(tip)
		}
	}
	if s.status != nil {
		s.status.Update(st, now)
	}
	switch {
	case st.SignedIn():
		s.wasSignedIn = true
		if s.signInWin != nil {
			s.signInWin.Hide()
		}
	case st.Conn == model.SignInRequired && s.wasSignedIn, st.Conn == model.SignedOut && first && !s.o.QuietFirstRun:
		s.wasSignedIn = false
		s.openSignIn() // first run, or the hub signed this device out
	}
}

// do runs a menu item's action. On fyne's goroutine.
func (s *Shell) do(it model.Item) {
	switch it.Action {
	case model.ActSetStatus:
		if err := s.act.SetStatus(it.Status); err != nil {
			s.Notify(model.Notice{Title: "Status not changed", Body: err.Error()})
		}
	case model.ActOpen:
		s.ShowWindow()
	case model.ActSignIn:
		s.openSignIn()
	case model.ActSignOut:
		s.ShowWindow()
		fyne.Do(func() { s.status.AskSignOut() }) // after the window exists: sign-out asks first
	case model.ActQuit:
		s.quit()
	}
}

func (s *Shell) signOut() {
	if err := s.act.SignOut(s.ctx); err != nil {
		s.log.Warn("signing out", slog.Any(logkey.Error, err))
		s.Notify(model.Notice{Title: "Signed out", Body: err.Error()})
	}
}

// quit ends the tray through the driver rather than fyne.App.Quit: App.Quit first marks every window
// closing, and fyne 2.7 crashes (a nil window in processMouseMoved, fyne-io/fyne#5981) on a pointer
// event that reaches a closing window before its event loop stops, as when the sign-in window opened
// under the pointer. The driver's Quit stops the loop with the windows intact; ending the process
// frees them. On fyne's goroutine.
func (s *Shell) quit() {
	s.o.App.Driver().Quit()
}
