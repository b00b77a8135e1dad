package shell

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"presencehub.dev/desktop/internal/winproto"
	"presencehub.dev/shared/logkey"
)

// Process is a started window process.
type Process interface {
	// Wait returns when the process has ended.
	Wait() error
	// Kill ends it.
	Kill() error
}

// window is one window process: started (proc) and, once it connected, served (conn, out).
type window struct {
	kind string
	proc Process
	conn *winproto.Conn
	out  *outbox
	// askSignOut: ask to confirm signing out once connected (the menu's Sign out started it).
	askSignOut bool
	// closeOnAttach: no longer wanted while it was starting (signed in meanwhile): closed on connecting.
	closeOnAttach bool
}

// Open shows a window of kind: raises the one that is open, or starts a window process.
func (s *Shell) Open(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open(kind)
}

// open: called with s.mu held.
func (s *Shell) open(kind string) {
	if s.closed {
		return
	}
	if w := s.windows[kind]; w != nil {
		if w.out != nil {
			w.out.send(winproto.ToWindow{Raise: true})
		}
		return // starting: it shows when it connects
	}
	if s.o.Spawn == nil {
		s.log.Warn("no windows here", slog.String(logkey.Window, kind))
		return
	}
	p, err := s.o.Spawn(kind)
	if err != nil {
		s.log.Error("starting a window", slog.String(logkey.Window, kind), slog.Any(logkey.Error, err))
		return
	}
	w := &window{kind: kind, proc: p}
	s.windows[kind] = w
	s.log.Debug("window process started", slog.String(logkey.Window, kind))
	go func() {
		err := p.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.windows[kind] == w && w.conn == nil { // it ended before connecting: it never showed
			delete(s.windows, kind)
			s.log.Warn("the window could not open (its own message is above)", slog.String(logkey.Window, kind), slog.Any(logkey.Error, err))
			return
		}
		s.log.Debug("window process ended", slog.String(logkey.Window, kind), slog.Any(logkey.Error, err))
	}()
}

// Attach serves a window process that connected over the socket, until it disconnects.
func (s *Shell) Attach(kind string, conn *winproto.Conn) {
	s.mu.Lock()
	w := s.windows[kind]
	switch {
	case !winproto.ValidKind(kind) || s.closed:
		s.mu.Unlock()
		conn.Close()
		return
	case w != nil && w.conn != nil: // one of a kind: the newcomer closes, the open one comes forward
		w.out.send(winproto.ToWindow{Raise: true})
		s.mu.Unlock()
		_ = conn.Send(winproto.ToWindow{Close: true})
		conn.Close()
		return
	case w == nil: // not started by this tray (a window started by hand): served all the same
		w = &window{kind: kind}
		s.windows[kind] = w
	}
	w.conn, w.out = conn, newOutbox(conn, s.log)
	w.out.send(winproto.ToWindow{Settings: s.windowSettings()})
	if s.rendered {
		w.out.state(s.state)
	}
	if w.askSignOut {
		w.out.send(winproto.ToWindow{AskSignOut: true})
	}
	if w.closeOnAttach {
		w.out.send(winproto.ToWindow{Close: true})
	}
	s.mu.Unlock()
	if kind == winproto.KindStatus {
		go s.loadTimeline()
	}
	s.log.Debug("window connected", slog.String(logkey.Window, kind))

	s.serve(w)

	s.mu.Lock()
	if s.windows[kind] == w {
		delete(s.windows, kind)
	}
	s.mu.Unlock()
	w.out.stop()
	conn.Close()
	s.log.Debug("window disconnected", slog.String(logkey.Window, kind))
}

// serve handles the window's requests until it disconnects.
func (s *Shell) serve(w *window) {
	for {
		var m winproto.FromWindow
		if err := w.conn.Receive(&m); err != nil {
			if !errors.Is(err, io.EOF) {
				s.log.Debug("window connection", slog.String(logkey.Window, w.kind), slog.Any(logkey.Error, err))
			}
			return
		}
		s.request(w, m)
	}
}

// request carries out one request of a window.
func (s *Shell) request(w *window, m winproto.FromWindow) {
	switch m.Op {
	case winproto.OpSetStatus:
		s.setStatus(m.Status)
	case winproto.OpSignIn:
		go s.signIn(w, m)
	case winproto.OpSignOut:
		go s.signOut()
	case winproto.OpStartAtLogin:
		s.setStartAtLogin(m.On)
	case winproto.OpOpenSignIn:
		s.Open(winproto.KindSignIn)
	default:
		s.log.Warn("unknown window request", slog.String(logkey.Window, w.kind), slog.String(logkey.Result, m.Op))
	}
}

// signIn signs in with the window's code and answers it; on success the window closes.
func (s *Shell) signIn(w *window, m winproto.FromWindow) {
	hub := s.o.Settings.HubURL
	hubURL := m.HubURL
	if hub.Locked() {
		hubURL = hub.V
	}
	err := s.act.SignIn(s.ctx, hubURL, m.Code)
	res := &winproto.Result{ID: m.ID}
	if err != nil {
		res.Err = signInMessage(err)
		w.out.send(winproto.ToWindow{Result: res})
		return
	}
	if s.o.OnSignedIn != nil {
		s.o.OnSignedIn(hubURL)
	}
	w.out.send(winproto.ToWindow{Result: res})
	w.out.send(winproto.ToWindow{Close: true})
}

// windowSettings are the settings a window shows; the hub URL is the one to prefill. Called with
// s.mu held.
func (s *Shell) windowSettings() *winproto.Settings {
	hub, sal := s.o.Settings.HubURL, s.o.Settings.StartAtLogin
	url := hub.V
	if s.state.HubURL != "" && !hub.Locked() {
		url = s.state.HubURL
	}
	return &winproto.Settings{HubURL: url, HubURLLocked: hub.Locked(), StartAtLogin: sal.V, StartAtLoginLocked: sal.Locked()}
}

// Close closes every window (their processes exit) and stops starting new ones.
func (s *Shell) Close() {
	s.mu.Lock()
	s.closed = true
	var open []*window
	for kind, w := range s.windows {
		if w.out != nil {
			w.out.send(winproto.ToWindow{Close: true})
			w.out.stop()
			open = append(open, w)
		} else if w.proc != nil {
			_ = w.proc.Kill() // started, not connected yet
		}
		delete(s.windows, kind)
	}
	s.mu.Unlock()
	for _, w := range open {
		w.out.wait(closeWait) // the window reads its Close; a stuck one sees the connection end
		w.conn.Close()
	}
}

// closeWait bounds how long quitting waits for a window to take its Close.
const closeWait = time.Second

// askSignOut has the status window ask the agent to confirm signing out, opening it if need be.
func (s *Shell) askSignOut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open(winproto.KindStatus)
	if w := s.windows[winproto.KindStatus]; w != nil {
		if w.out != nil {
			w.out.send(winproto.ToWindow{AskSignOut: true})
		} else {
			w.askSignOut = true
		}
	}
}

// loadTimeline brings the hub's recent changes into the status window (those from before this tray
// started too), when the controller can read them.
func (s *Shell) loadTimeline() {
	tl, ok := s.act.(interface{ LoadTimeline(context.Context) error })
	if !ok || s.ctx == nil {
		return
	}
	if err := tl.LoadTimeline(s.ctx); err != nil {
		s.log.Warn("reading recent changes", slog.Any(logkey.Error, err))
	}
}
