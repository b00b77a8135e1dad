// Package launch wires the tray together for the presence-tray command: logging, the desktop check,
// the single-instance lock, settings (IT policy, user preferences, flags), the keyring, the controller
// and the shell, then runs the system tray (fyne.io/systray, no GUI toolkit) until the agent quits.
// Windows are child processes in window mode (package window; the command's main starts it for
// --window). It never reaches Fyne's toolkit. The command's main only parses flags.
package launch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"presencehub.dev/desktop/internal/controller"
	"presencehub.dev/desktop/internal/display"
	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/instance"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/notify"
	"presencehub.dev/desktop/internal/secrets"
	"presencehub.dev/desktop/internal/shell"
	"presencehub.dev/desktop/internal/trim"
	"presencehub.dev/desktop/internal/winproto"
	"presencehub.dev/shared/logkey"
)

// AppID is the fyne app id of the windows and the name IT policy files use.
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

// Run runs the tray until the agent quits it and returns the exit code: 2 when there is no desktop
// session to show it in.
func Run(cfg Config) int {
	log := NewLogger(cfg.Stderr, cfg.LogLevel).With(slog.String(logkey.Version, cfg.Version))
	if err := desktopSession(); err != nil {
		fmt.Fprintln(stderr(cfg.Stderr), "presence-tray:", err)
		return 2
	}
	conf := loadSettings(log, cfg.HubURL)
	if cfg.Autostart && !conf.settings.StartAtLogin.V {
		log.Info("started at login, but start at login is off: exiting", slog.String("start_at_login.source", conf.settings.StartAtLogin.Source.String()))
		return 0
	}
	tray := &shell.SysTray{}
	opts := shell.Options{Log: log, Tray: tray, Quit: tray.Quit, Notify: notify.Notifier{}.Send, Settings: conf.settings,
		OnStartAtLogin: conf.setStartAtLogin, OnSignedIn: conf.rememberHub, QuietFirstRun: cfg.PairingCode != "",
		Settled: func() { settle(log) }}
	if sp, err := newSpawner(cfg.LogLevel, stderr(cfg.Stderr)); err != nil {
		log.Error("no windows", slog.Any(logkey.Error, err))
	} else {
		opts.Spawn = func(kind string) (shell.Process, error) { return sp.spawn(kind) }
	}
	sh := shell.New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	controller.UserAgent = "presence-tray/" + cfg.Version
	host, _ := os.Hostname()
	ctl := controller.New(controller.Options{Log: log, Hub: hubapi.Client{UserAgent: controller.UserAgent},
		Secrets: secrets.Store{}, View: sh, DeviceName: host, Tenant: conf.settings.Tenant.V, Started: cfg.Started})
	sh.Bind(ctx, ctl) // before the socket serves: a window may ask for something at once
	inst, err := instance.Acquire(instance.DefaultDir(), instance.Handlers{
		Show: func() { sh.Open(winproto.KindStatus) },
		Window: func(kind string, c net.Conn, r *bufio.Reader) {
			sh.Attach(kind, winproto.NewConn(c, r))
		},
	})
	if errors.Is(err, instance.ErrRunning) {
		log.Info("presence-tray is already running; asked it to show its window")
		return 0
	}
	if err != nil {
		log.Warn("single-instance lock unavailable; continuing without windows", slog.Any(logkey.Error, err))
	} else {
		defer inst.Close()
	}

	applyStartAtLogin(log, conf.settings.StartAtLogin.V)

	tray.Run(func() { sh.Open(winproto.KindStatus) }, func() {
		sh.InstallTray()
		go start(ctx, log, ctl, sh, conf.settings.HubURL.V, cfg)
	})
	cancel()
	sh.Close()
	ctl.Close()
	return 0
}

// desktopSession says why the tray cannot show itself here: no display for its windows, or no
// session bus for its icon (Linux).
func desktopSession() error {
	if err := display.Check(os.Getenv); err != nil {
		return err
	}
	return display.CheckBus()
}

func stderr(w io.Writer) io.Writer {
	if w == nil {
		return os.Stderr
	}
	return w
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
		sh.Open(winproto.KindStatus)
	}
}

// settle runs once the first snapshot is shown: the tray has started and from now on waits. What it
// will touch is a small part of the binary it shares with the windows, so the rest of the binary's
// pages go (package trim), and so does the garbage of starting (one GC, memory returned to the OS).
func settle(log *slog.Logger) {
	if res, err := trim.Executable(); err != nil {
		log.Warn("trimming the working set", slog.Any(logkey.Error, err))
	} else {
		log.Debug("trimmed the working set", slog.Int(logkey.Count, res.Ranges), slog.Uint64("bytes", res.Bytes))
	}
	debug.FreeOSMemory()
}

// NewLogger is the program's logger: text to w at level (debug, info, warn, error).
func NewLogger(w io.Writer, level string) *slog.Logger {
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
