// Package window is the tray's window mode: the same binary, started by the tray as a child process
// (presence-tray --window=status|signin), shows one Fyne window, and exits when it closes. It gets
// what to show from the tray over the single-instance socket and sends the agent's choices back
// (package winproto), so only while a window is open does a process hold a GL context and run Fyne's
// 60 Hz driver loop. The widgets are package ui's.
package window

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"presencehub.dev/desktop/internal/display"
	"presencehub.dev/desktop/internal/instance"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/ui"
	"presencehub.dev/desktop/internal/winproto"
	"presencehub.dev/shared/logkey"
)

// Options configure a window process.
type Options struct {
	Kind  string // winproto.KindStatus or KindSignIn
	AppID string // the fyne app id
	// Dir is the tray's instance directory (instance.DefaultDir).
	Dir    string
	Log    *slog.Logger
	Stderr io.Writer
	Getenv display.Env
	// NewApp makes the fyne app (app.NewWithID; the command's main passes it, so this package needs
	// no GL driver and tests run it headless).
	NewApp func(id string) fyne.App
	Now    func() time.Time
}

// Run shows the window until it closes or the tray says so (or goes away), and returns the exit
// code: 2 without a display, 1 when no tray answers.
func Run(o Options) int {
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Log.With(slog.String(logkey.Component, "window"), slog.String(logkey.Window, o.Kind))
	if !winproto.ValidKind(o.Kind) {
		fmt.Fprintf(o.Stderr, "presence-tray: unknown window %q (status or signin)\n", o.Kind)
		return 2
	}
	if err := display.Check(o.Getenv); err != nil {
		fmt.Fprintln(o.Stderr, "presence-tray:", err)
		return 2
	}
	c, err := instance.Dial(o.Dir, o.Kind)
	if err != nil {
		fmt.Fprintf(o.Stderr, "presence-tray: a window needs the running tray: %v\n", err)
		return 1
	}
	conn := winproto.NewConn(c, nil)
	defer conn.Close()
	var first winproto.ToWindow // the settings, or Close when a window of this kind is open already
	if err := conn.Receive(&first); err != nil || first.Close || first.Settings == nil {
		log.Debug("the tray did not take this window", slog.Any(logkey.Error, err))
		return 0
	}
	a := o.NewApp(o.AppID)
	a.SetIcon(ui.IconResource(model.IconAvailable))
	a.Settings().SetTheme(ui.Theme()) // legible muted text (since, hints, a disabled Sign in)
	w := newWin(a, o, conn, *first.Settings)
	go w.receive(log)
	a.Run()
	return 0
}

// win is the window and what it shows. Its methods run on fyne's goroutine unless said otherwise.
type win struct {
	app    fyne.App
	quit   func() // ends the process's window (driverQuit)
	o      Options
	conn   *winproto.Conn
	w      fyne.Window
	status *ui.Status
	signIn *ui.SignIn
	nextID int
}

func newWin(a fyne.App, o Options, conn *winproto.Conn, set winproto.Settings) *win {
	w := &win{app: a, o: o, conn: conn}
	w.quit = w.driverQuit
	if o.Kind == winproto.KindSignIn {
		w.w = a.NewWindow("Sign in to Presence Hub")
		w.signIn = ui.NewSignIn(set.HubURL, set.HubURLLocked, w.submit)
		w.w.SetContent(w.signIn.Content())
		w.w.Resize(fyne.NewSize(440, 300))
		w.w.CenterOnScreen()
	} else {
		w.w = a.NewWindow("Presence Hub")
		w.status = ui.NewStatus(ui.Actions{
			SetStatus:       func(name string) { w.send(winproto.FromWindow{Op: winproto.OpSetStatus, Status: name}) },
			SignIn:          func() { w.send(winproto.FromWindow{Op: winproto.OpOpenSignIn}) },
			SignOut:         func() { w.send(winproto.FromWindow{Op: winproto.OpSignOut}) },
			SetStartAtLogin: func(on bool) { w.send(winproto.FromWindow{Op: winproto.OpStartAtLogin, On: on}) },
		})
		w.status.SetStartAtLogin(set.StartAtLogin, set.StartAtLoginLocked)
		w.status.SetWindow(w.w)
		w.w.SetContent(w.status.Content())
		w.w.Resize(fyne.NewSize(860, 540))
	}
	w.w.SetCloseIntercept(func() { w.quit() })
	w.w.Show()
	return w
}

// driverQuit ends the process's window through the driver, not fyne.App.Quit: App.Quit first marks every
// window closing, and fyne 2.7 crashes (a nil window in processMouseMoved, fyne-io/fyne#5981) on a
// pointer event that reaches a closing window before its event loop stops. Ending the process frees
// the window.
func (w *win) driverQuit() { w.app.Driver().Quit() }

func (w *win) submit(hubURL, code string) {
	w.nextID++
	w.signIn.SetBusy(true)
	w.send(winproto.FromWindow{Op: winproto.OpSignIn, ID: w.nextID, HubURL: hubURL, Code: code})
}

func (w *win) send(m winproto.FromWindow) {
	if err := w.conn.Send(m); err != nil {
		w.quit() // the tray is gone
	}
}

// receive applies the tray's messages until the connection ends, then quits. On its own goroutine.
func (w *win) receive(log *slog.Logger) {
	for {
		var m winproto.ToWindow
		if err := w.conn.Receive(&m); err != nil {
			if !errors.Is(err, io.EOF) {
				log.Debug("tray connection", slog.Any(logkey.Error, err))
			}
			fyne.Do(func() { w.quit() })
			return
		}
		fyne.Do(func() { w.apply(m) })
	}
}

func (w *win) apply(m winproto.ToWindow) {
	switch {
	case m.Close:
		w.quit()
	case m.Raise:
		w.w.Show()
		w.w.RequestFocus()
	case m.AskSignOut && w.status != nil:
		w.w.Show()
		w.w.RequestFocus()
		w.status.AskSignOut()
	case m.State != nil && w.status != nil:
		w.status.Update(*m.State, w.o.Now())
	case m.Result != nil && w.signIn != nil && m.Result.ID == w.nextID:
		w.signIn.SetBusy(false)
		if m.Result.Err != "" {
			w.signIn.SetError(m.Result.Err)
		}
	case m.Settings != nil && w.status != nil:
		w.status.SetStartAtLogin(m.Settings.StartAtLogin, m.Settings.StartAtLoginLocked)
	}
}
