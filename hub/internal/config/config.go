// Package config loads the hub's settings: built-in defaults, then a YAML file, then PRESENCE_HUB_*
// environment variables, then command-line flags, each overriding the one before. The commented
// example is hub/config.example.yaml.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is everything the hub reads at start.
type Config struct {
	// Listen is the host:port serving gRPC, REST, websockets, health and metrics.
	Listen string `yaml:"listen"`
	// DataDir holds the SQLite database and a generated seal key.
	DataDir string `yaml:"data_dir"`
	// PublicURL is how clients reach the hub (printed by demo, used in links). Defaults from Listen.
	PublicURL string   `yaml:"public_url"`
	Database  Database `yaml:"database"`
	Bus       Bus      `yaml:"bus"`
	// BootstrapKey becomes a hub-wide admin key on first start if none exists.
	BootstrapKey string `yaml:"bootstrap_key"`
	// SealKey (64 hex characters) seals vendor secrets; generated into DataDir if empty.
	SealKey string `yaml:"seal_key"`
	TLS     TLS    `yaml:"tls"`
	Log     Log    `yaml:"log"`
	Stream  Stream `yaml:"stream"`
	Sync    Sync   `yaml:"sync"`
	// HTTP bounds requests and connections; Outbound bounds where the hub's own requests go.
	HTTP     HTTP     `yaml:"http"`
	Outbound Outbound `yaml:"outbound"`
	// ShutdownTimeout bounds a graceful stop.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// Database selects the store.
type Database struct {
	// Driver is "sqlite" (default) or "postgres".
	Driver string `yaml:"driver"`
	// DSN is a PostgreSQL connection string, or a SQLite file path (default DataDir/presence-hub.db).
	DSN string `yaml:"dsn"`
	// MaxConns bounds the PostgreSQL connections of this replica (its pool; the leader election holds
	// one more). Ignored for SQLite.
	MaxConns int `yaml:"max_conns"`
}

// Bus carries events between the replicas of a hub.
type Bus struct {
	// Driver is "local" (one replica, default) or "nats" (several replicas sharing a PostgreSQL
	// database).
	Driver string `yaml:"driver"`
	// NATSURL names the NATS server(s), comma-separated, e.g. nats://nats.internal:4222.
	NATSURL string `yaml:"nats_url"`
	// Environment separates hubs sharing one NATS: subjects are presencehub.<environment>.…
	Environment string `yaml:"environment"`
}

// SubjectPrefix is where this hub's events go on NATS.
func (b Bus) SubjectPrefix() string { return "presencehub." + b.Environment }

// subjectToken is what an environment may be: one NATS subject token.
var subjectToken = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// TLS serves HTTPS (and gRPC over TLS) when both files are set.
type TLS struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// Stream configures the websocket stream.
type Stream struct {
	// AllowedOrigins are browser origins (host patterns such as "app.example.com" or "*.example.com")
	// allowed to open the stream besides the hub's own. Never "*".
	AllowedOrigins []string `yaml:"allowed_origins"`
	// Heartbeat is the ping interval; an unanswered ping closes the stream.
	Heartbeat time.Duration `yaml:"heartbeat"`
}

// Sync tunes vendor synchronisation.
type Sync struct {
	// MaxAttempts dead-letters a vendor write after this many failed attempts.
	MaxAttempts int `yaml:"max_attempts"`
	// MinBackoff and MaxBackoff bound the delay between attempts (exponential, with jitter).
	MinBackoff time.Duration `yaml:"min_backoff"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// EchoWindow is how long the notification a vendor fires for the hub's own write is expected.
	EchoWindow time.Duration `yaml:"echo_window"`
	// DriftInterval is how often every connection is read back and repaired; 0 turns it off.
	DriftInterval time.Duration `yaml:"drift_interval"`
	// PollInterval is how often vendors without webhooks are asked for changes.
	PollInterval time.Duration `yaml:"poll_interval"`
	// AgentSyncInterval is how often each connection's agents are synced with its vendor users, unless
	// the connection's agent_sync_interval setting says otherwise; 0 turns scheduled runs off.
	AgentSyncInterval time.Duration `yaml:"agent_sync_interval"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Default returns the built-in settings.
func Default() Config {
	return Config{
		Listen:   "127.0.0.1:8080",
		DataDir:  "./data",
		Database: Database{Driver: "sqlite", MaxConns: 16},
		Bus:      Bus{Driver: "local", Environment: "default"},
		Log:      Log{Level: "info", Format: "text"},
		Stream:   Stream{AllowedOrigins: []string{}, Heartbeat: 15 * time.Second},
		Sync: Sync{MaxAttempts: 10, MinBackoff: time.Second, MaxBackoff: 5 * time.Minute, EchoWindow: 30 * time.Second,
			DriftInterval: 5 * time.Minute, PollInterval: 30 * time.Second, AgentSyncInterval: 24 * time.Hour},
		HTTP:            DefaultHTTP(),
		Outbound:        Outbound{Allow: []string{}},
		ShutdownTimeout: 10 * time.Second,
	}
}

// Load reads path (if not empty) over the defaults, then applies the environment.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("reading config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file is fine
			return c, fmt.Errorf("parsing config %s: %w", path, err)
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return c, err
	}
	return c, nil
}

// Env variables and the fields they set.
func (c *Config) applyEnv(getenv func(string) string) error {
	set := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set("PRESENCE_HUB_LISTEN", &c.Listen)
	set("PRESENCE_HUB_DATA_DIR", &c.DataDir)
	set("PRESENCE_HUB_PUBLIC_URL", &c.PublicURL)
	set("PRESENCE_HUB_DB_DRIVER", &c.Database.Driver)
	set("PRESENCE_HUB_DB_DSN", &c.Database.DSN)
	set("PRESENCE_HUB_BUS_DRIVER", &c.Bus.Driver)
	set("PRESENCE_HUB_BUS_NATS_URL", &c.Bus.NATSURL)
	set("PRESENCE_HUB_BUS_ENVIRONMENT", &c.Bus.Environment)
	set("PRESENCE_HUB_BOOTSTRAP_KEY", &c.BootstrapKey)
	set("PRESENCE_HUB_SEAL_KEY", &c.SealKey)
	set("PRESENCE_HUB_TLS_CERT_FILE", &c.TLS.CertFile)
	set("PRESENCE_HUB_TLS_KEY_FILE", &c.TLS.KeyFile)
	set("PRESENCE_HUB_LOG_LEVEL", &c.Log.Level)
	set("PRESENCE_HUB_LOG_FORMAT", &c.Log.Format)
	if v := getenv("PRESENCE_HUB_ALLOWED_ORIGINS"); v != "" {
		c.Stream.AllowedOrigins = strings.Split(v, ",")
	}
	if v := getenv("PRESENCE_HUB_TRUSTED_PROXIES"); v != "" {
		c.HTTP.TrustedProxies = strings.Split(v, ",")
	}
	if v := getenv("PRESENCE_HUB_OUTBOUND_ALLOW"); v != "" {
		c.Outbound.Allow = strings.Split(v, ",")
	}
	if v := getenv("PRESENCE_HUB_OUTBOUND_ALLOW_PRIVATE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("PRESENCE_HUB_OUTBOUND_ALLOW_PRIVATE %q: want true or false", v)
		}
		c.Outbound.AllowPrivate = b
	}
	if v := getenv("PRESENCE_HUB_DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("PRESENCE_HUB_DB_MAX_CONNS %q: want a number", v)
		}
		c.Database.MaxConns = n
	}
	return nil
}

// Finish fills derived values and checks the result.
func (c *Config) Finish() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: want host:port", c.Listen))
	}
	switch c.Database.Driver {
	case "sqlite":
		if c.Database.DSN == "" {
			c.Database.DSN = filepath.Join(c.DataDir, "presence-hub.db")
		}
	case "postgres":
		if c.Database.DSN == "" {
			errs = append(errs, errors.New("database.dsn is required for postgres"))
		}
	default:
		errs = append(errs, fmt.Errorf("database.driver %q: want sqlite or postgres", c.Database.Driver))
	}
	if c.Database.MaxConns < 2 {
		errs = append(errs, fmt.Errorf("database.max_conns %d: want at least 2", c.Database.MaxConns))
	}
	errs = append(errs, c.Bus.check(c.Database.Driver)...)
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		errs = append(errs, errors.New("tls.cert_file and tls.key_file go together"))
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level %q: want debug, info, warn or error", c.Log.Level))
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		errs = append(errs, fmt.Errorf("log.format %q: want text or json", c.Log.Format))
	}
	for _, o := range c.Stream.AllowedOrigins {
		if strings.TrimSpace(o) == "*" {
			errs = append(errs, errors.New(`stream.allowed_origins must name origins; "*" would let any web page use an agent's session`))
		}
	}
	if c.Sync.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("sync.max_attempts %d: want at least 1", c.Sync.MaxAttempts))
	}
	if c.Sync.MinBackoff <= 0 || c.Sync.MaxBackoff < c.Sync.MinBackoff {
		errs = append(errs, fmt.Errorf("sync.min_backoff %s, max_backoff %s: want 0 < min ≤ max", c.Sync.MinBackoff, c.Sync.MaxBackoff))
	}
	if c.Sync.EchoWindow <= 0 || c.Sync.PollInterval <= 0 || c.Sync.DriftInterval < 0 || c.Sync.AgentSyncInterval < 0 {
		errs = append(errs, errors.New("sync.echo_window and sync.poll_interval must be positive, sync.drift_interval and sync.agent_sync_interval not negative"))
	}
	errs = append(errs, c.HTTP.check()...)
	if err := c.Outbound.Policy().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("outbound.allow: %w", err))
	}
	if c.Stream.Heartbeat < time.Second {
		errs = append(errs, fmt.Errorf("stream.heartbeat %s: want at least 1s", c.Stream.Heartbeat))
	}
	if c.PublicURL == "" {
		scheme := "http"
		if c.TLS.CertFile != "" {
			scheme = "https"
		}
		c.PublicURL = scheme + "://" + c.Listen
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return errors.Join(errs...)
}

// check validates the bus settings; replicas need a shared database, so nats goes with postgres.
func (b Bus) check(dbDriver string) []error {
	var errs []error
	switch b.Driver {
	case "local":
	case "nats":
		if strings.TrimSpace(b.NATSURL) == "" {
			errs = append(errs, errors.New("bus.nats_url is required for bus.driver nats (e.g. nats://127.0.0.1:4222)"))
		}
		if dbDriver != "postgres" {
			errs = append(errs, errors.New("bus.driver nats is for several replicas, which must share a database: set database.driver postgres"))
		}
	default:
		errs = append(errs, fmt.Errorf("bus.driver %q: want local or nats", b.Driver))
	}
	if !subjectToken.MatchString(b.Environment) {
		errs = append(errs, fmt.Errorf("bus.environment %q: want letters, digits, - or _ (one NATS subject token)", b.Environment))
	}
	return errs
}
