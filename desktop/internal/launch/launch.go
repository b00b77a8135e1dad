// Package launch wires the tray together for the presence-tray command: logging, the single-instance
// lock, settings (IT policy, user preferences, flags), the keyring, the controller and the shell, then
// runs the fyne app. The command's main only parses flags and creates the fyne app.
package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"presencehub.dev/desktop/internal/controller"
	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/instance"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/secrets"
	"presencehub.dev/desktop/internal/shell"
	"presencehub.dev/desktop/internal/ui"
	"presencehub.dev/shared/logkey"
)

// AppID is the fyne app id (preferences, notifications) and the name IT policy files use.
const AppID = "dev.presencehub.tray"

// Config is what the command line says.
type Config struct {
	Version string
	// HubURL overrides the user's hub URL preference (not an IT-enforced one).
	HubURL string
	// PairingCode signs in without the sign-in window when not signed in yet (scripted rollout).
	PairingCode string
	// Show opens the status window at start; otherwise a signed-in tray starts quietly.
	Show bool
	// Autostart: a start-at-login entry started the tray (the MSI's machine-wide Run entry passes
	// --autostart). It exits at once when the agent or IT turned start at login off.
	Autostart bool
	LogLevel  string
	// Started is when the process started, for the time-to-first-snapshot log line.
	Started time.Time
	Stderr  io.Writer
}

// Run runs the tray until the agent quits it and returns the exit code.
func Run(a fyne.App, cfg Config) int {
	log := newLogger(cfg.Stderr, cfg.LogLevel).With(slog.String(logkey.Version, cfg.Version))
	conf := loadSettings(log, cfg.HubURL)
	if cfg.Autostart && !conf.settings.StartAtLogin.V {
		log.Info("started at login, but start at login is off: exiting", slog.String("start_at_login.source", conf.settings.StartAtLogin.Source.String()))
		return 0
	}
	var sh *shell.Shell
	inst, err := instance.Acquire(instance.DefaultDir(), func() {
		if sh != nil {
			sh.ShowWindow()
		}
	})
	if errors.Is(err, instance.ErrRunning) {
		log.Info("presence-tray is already running; asked it to show its window")
		return 0
	}
	if err != nil {
		log.Warn("single-instance lock unavailable; continuing", slog.Any(logkey.Error, err))
	} else {
		defer inst.Close()
	}

	applyStartAtLogin(log, conf.settings.StartAtLogin.V)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.SetIcon(ui.IconResource(model.IconAvailable))
	sh = shell.New(shell.Options{App: a, Log: log, Settings: conf.settings,
		OnStartAtLogin: conf.setStartAtLogin, OnSignedIn: conf.rememberHub, QuietFirstRun: cfg.PairingCode != ""})
	controller.UserAgent = "presence-tray/" + cfg.Version
	host, _ := os.Hostname()
	ctl := controller.New(controller.Options{Log: log, Hub: hubapi.Client{UserAgent: controller.UserAgent},
		Secrets: secrets.Store{}, View: sh, DeviceName: host, Tenant: conf.settings.Tenant.V, Started: cfg.Started})
	sh.Bind(ctx, ctl)
	sh.InstallTray()

	a.Lifecycle().SetOnStarted(func() {
		go start(ctx, log, ctl, sh, conf.settings.HubURL.V, cfg)
	})
	a.Lifecycle().SetOnStopped(func() {
		cancel()
		ctl.Close()
	})
	a.Run()
	return 0
}

// start connects (or offers the sign-in window), signs in with a code from the command line, and shows
// the window when asked to.
func start(ctx context.Context, log *slog.Logger, ctl *controller.Controller, sh *shell.Shell, hubURL string, cfg Config) {
	if err := ctl.Start(ctx, hubURL); err != nil {
		sh.Notify(model.Notice{Kind: model.NoticeSignIn, Title: "Presence Hub cannot use the keyring", Body: err.Error()})
	}
	if cfg.PairingCode != "" && !ctl.State().SignedIn() {
		if hubURL == "" {
			log.Error("--pairing-code needs a hub URL (--hub or IT policy)")
		} else if err := ctl.SignIn(ctx, hubURL, cfg.PairingCode); err != nil {
			log.Error("signing in with --pairing-code", slog.Any(logkey.Error, err))
		}
	}
	if cfg.Show {
		sh.ShowWindow()
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		l = slog.LevelInfo
	}
	if w == nil {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// Usage is the command's help text after the flags.
func Usage(w io.Writer) {
	fmt.Fprintln(w, `
presence-tray shows and sets your Presence Hub status from the system tray. The first run asks for the
hub URL and a pairing code from your admin; later runs start quietly in the tray.
IT policy: /etc/presence-hub/tray.json (Linux), HKLM\Software\Policies\PresenceHub (Windows),
/Library/Managed Preferences/dev.presencehub.tray.plist (macOS).`)
}
