package shell

import (
	"context"
	"errors"
	"log/slog"

	"fyne.io/fyne/v2"

	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/ui"
	"presencehub.dev/shared/logkey"
)

// ShowWindow shows the status window, creating it the first time. Safe from any goroutine.
func (s *Shell) ShowWindow() {
	fyne.Do(func() {
		if s.main == nil {
			s.main = s.o.App.NewWindow("Presence Hub")
			s.status = ui.NewStatus(ui.Actions{
				SetStatus: func(name string) {
					if err := s.act.SetStatus(name); err != nil {
						s.Notify(model.Notice{Title: "Status not changed", Body: err.Error()})
					}
				},
				SignIn:          s.openSignIn,
				SignOut:         func() { go s.signOut() },
				SetStartAtLogin: s.setStartAtLogin,
			})
			sal := s.o.Settings.StartAtLogin
			s.status.SetStartAtLogin(sal.V, sal.Locked())
			s.status.SetWindow(s.main)
			s.main.SetContent(s.status.Content())
			s.main.Resize(fyne.NewSize(860, 540))
			s.main.SetCloseIntercept(s.main.Hide) // closing keeps the tray running
			if s.desk != nil {
				s.desk.SetSystemTrayWindow(s.main) // a left click on the icon opens it
			}
			s.status.Update(s.state, s.o.Now())
		}
		s.main.Show()
		s.main.RequestFocus()
		go s.loadTimeline()
	})
}

// loadTimeline brings the hub's recent changes into the window (those from before this tray started
// too), when the controller can read them.
func (s *Shell) loadTimeline() {
	tl, ok := s.act.(interface{ LoadTimeline(context.Context) error })
	if !ok || s.ctx == nil {
		return
	}
	if err := tl.LoadTimeline(s.ctx); err != nil {
		s.log.Warn("reading recent changes", slog.Any(logkey.Error, err))
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

// openSignIn shows the sign-in window, made once and then reused: it is hidden, never closed, because
// fyne 2.7 may still deliver pointer events to a closing window and crash on them. On fyne's goroutine.
func (s *Shell) openSignIn() {
	hub := s.o.Settings.HubURL
	url := hub.V
	if s.state.HubURL != "" && !hub.Locked() {
		url = s.state.HubURL
	}
	if s.signInWin == nil {
		w := s.o.App.NewWindow("Sign in to Presence Hub")
		var form *ui.SignIn
		form = ui.NewSignIn(url, hub.Locked(), func(hubURL, code string) {
			if hub.Locked() {
				hubURL = hub.V
			}
			form.SetBusy(true)
			go func() {
				err := s.act.SignIn(s.ctx, hubURL, code)
				fyne.Do(func() {
					form.SetBusy(false)
					if err != nil {
						form.SetError(signInMessage(err))
						return
					}
					if s.o.OnSignedIn != nil {
						s.o.OnSignedIn(hubURL)
					}
					w.Hide()
				})
			}()
		})
		s.signIn, s.signInWin = form, w
		w.SetCloseIntercept(w.Hide)
		w.SetContent(form.Content())
		w.Resize(fyne.NewSize(440, 300))
		w.CenterOnScreen()
	} else {
		s.signIn.Reset(url)
	}
	s.signInWin.Show()
	s.signInWin.RequestFocus()
}

// signInMessage says what went wrong in words for the agent.
func signInMessage(err error) string {
	var he *hubapi.Error
	switch {
	case errors.Is(err, hubapi.ErrBadCode):
		return "That pairing code is unknown, used or expired. Ask your admin for a new one."
	case errors.As(err, &he) && he.Status == 429:
		return "Too many attempts. Wait a minute, then try again."
	default:
		return err.Error()
	}
}
