package launch

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"presencehub.dev/desktop/internal/autostart"
	"presencehub.dev/desktop/internal/settings"
	"presencehub.dev/shared/logkey"
)

// conf holds the resolved settings and saves the user's changes.
type conf struct {
	log      *slog.Logger
	mu       sync.Mutex
	policy   settings.Policy
	prefs    settings.Prefs
	user     settings.Values
	settings settings.Settings
}

// loadSettings reads IT policy and the user's preferences; flagHub acts as the user's hub URL.
// Unreadable files are logged and skipped: the tray still starts.
func loadSettings(log *slog.Logger, flagHub string) *conf {
	c := &conf{log: log}
	var err error
	if c.policy, err = settings.LoadPolicy(); err != nil {
		log.Warn("ignoring IT policy", slog.Any(logkey.Error, err))
	}
	if c.prefs, err = settings.UserPrefs(); err != nil {
		log.Warn("no preferences file", slog.Any(logkey.Error, err))
	} else if c.user, err = c.prefs.Load(); err != nil {
		log.Warn("ignoring preferences", slog.Any(logkey.Error, err))
	}
	if flagHub != "" {
		c.user.HubURL = settings.Ptr(flagHub)
	}
	c.settings = settings.Resolve(c.policy, c.user)
	log.Info("settings", slog.String(logkey.URL, c.settings.HubURL.V), slog.String("hub_url.source", c.settings.HubURL.Source.String()),
		slog.Bool("start_at_login", c.settings.StartAtLogin.V), slog.String("start_at_login.source", c.settings.StartAtLogin.Source.String()))
	return c
}

func (c *conf) save() {
	if c.prefs.Path == "" {
		return
	}
	if err := c.prefs.Save(c.user); err != nil {
		c.log.Warn("saving preferences", slog.Any(logkey.Error, err))
	}
}

// setStartAtLogin applies the user's choice and remembers it.
func (c *conf) setStartAtLogin(on bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.settings.StartAtLogin.Locked() {
		return nil
	}
	if err := entry().Set(on); err != nil {
		return err
	}
	c.user.StartAtLogin = settings.Ptr(on)
	c.settings = settings.Resolve(c.policy, c.user)
	c.save()
	return nil
}

// rememberHub keeps the hub URL the agent signed in to as their preference.
func (c *conf) rememberHub(hubURL string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.user.HubURL = settings.Ptr(hubURL)
	c.save()
}

func entry() autostart.Entry {
	exe, _ := os.Executable()
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	return autostart.Entry{Exec: exe}
}

// applyStartAtLogin makes the autostart entry match the setting, except for a binary in the temporary
// directory (go run), which would not be there at the next login. Set is idempotent and is applied on
// every start, so an entry a package or the MSI installed for everyone also tidies a per-user copy.
func applyStartAtLogin(log *slog.Logger, on bool) {
	e := entry()
	if strings.HasPrefix(e.Exec, os.TempDir()) {
		log.Debug("not touching start at login for a temporary binary", slog.String(logkey.Path, e.Exec))
		return
	}
	if err := e.Set(on); err != nil {
		log.Warn("setting start at login", slog.Any(logkey.Error, err))
	}
}
