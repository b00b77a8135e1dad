// Command presence-tray is the agent's tray app: the Presence Hub status in the system tray, set from
// its menu or window, kept live over the hub's stream. See package launch for the wiring.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"fyne.io/fyne/v2/app"

	"presencehub.dev/desktop/internal/instance"
	"presencehub.dev/desktop/internal/launch"
	_ "presencehub.dev/desktop/internal/localeenv" // its init runs before Fyne's: no locale noise under LANG=C.UTF-8
	"presencehub.dev/desktop/internal/window"
	"presencehub.dev/shared/logkey"
)

// version is stamped at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	started := time.Now()
	cfg := launch.Config{Version: version, Started: started, Stderr: os.Stderr}
	showVersion := flag.Bool("version", false, "print the version and exit")
	signOut := flag.Bool("sign-out", false, "revoke this computer's device on the hub, delete its token from the keyring and exit (offboarding); needs no display")
	printConfig := flag.Bool("print-config", false, "print the effective settings and where each comes from (IT policy, preferences) as JSON and exit; needs no display")
	flag.StringVar(&cfg.HubURL, "hub", "", "hub URL to sign in to (unless IT policy sets one)")
	flag.StringVar(&cfg.PairingCode, "pairing-code", "", "sign in with this pairing code, without the sign-in window")
	flag.BoolVar(&cfg.Show, "show", false, "open the status window at start")
	flag.BoolVar(&cfg.Autostart, "autostart", false, "started by a start-at-login entry: exit unless start at login is on")
	flag.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error")
	windowKind := flag.String("window", "", "internal: show one window (status or signin) of the running tray, which starts it so")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "Usage: presence-tray [flags]")
		flag.PrintDefaults()
		launch.Usage(flag.CommandLine.Output())
	}
	flag.Parse()
	if *showVersion {
		fmt.Println("presence-tray", version)
		return
	}
	if *signOut { // needs no display
		os.Exit(launch.SignOutThisUser(os.Stderr))
	}
	if *printConfig { // needs no display, GL or D-Bus
		os.Exit(launch.PrintConfig(os.Stdout, cfg))
	}
	if *windowKind != "" { // a window of the running tray, which started this process
		log := launch.NewLogger(os.Stderr, cfg.LogLevel).With(slog.String(logkey.Version, version))
		os.Exit(window.Run(window.Options{Kind: *windowKind, AppID: launch.AppID, Dir: instance.DefaultDir(), Log: log,
			Stderr: os.Stderr, Getenv: os.Getenv, NewApp: app.NewWithID}))
	}
	os.Exit(launch.Run(cfg))
}
