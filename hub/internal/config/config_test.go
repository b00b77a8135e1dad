package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadLayers(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hub.yaml")
	if err := os.WriteFile(file, []byte("listen: 0.0.0.0:9000\ndata_dir: /var/lib/ph\nlog:\n  level: debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file, env(map[string]string{"PRESENCE_HUB_DATA_DIR": "/srv/ph", "PRESENCE_HUB_SEAL_KEY": "k"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	if c.Listen != "0.0.0.0:9000" || c.DataDir != "/srv/ph" || c.SealKey != "k" || c.Log.Level != "debug" || c.Log.Format != "text" {
		t.Fatalf("layers: %+v", c)
	}
	if c.Database.DSN != "/srv/ph/presence-hub.db" || c.PublicURL != "http://0.0.0.0:9000" {
		t.Fatalf("derived: dsn %q url %q", c.Database.DSN, c.PublicURL)
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.yaml")
	_ = os.WriteFile(unknown, []byte("listne: x\n"), 0o600)
	if _, err := Load(unknown, env(nil)); err == nil || !strings.Contains(err.Error(), "listne") {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), env(nil)); err == nil {
		t.Fatal("missing file accepted")
	}
	empty := filepath.Join(dir, "empty.yaml")
	_ = os.WriteFile(empty, nil, 0o600)
	if _, err := Load(empty, env(nil)); err != nil {
		t.Fatalf("empty file: %v", err)
	}
	c, _ := Load("", env(map[string]string{"PRESENCE_HUB_LISTEN": "nonsense", "PRESENCE_HUB_DB_DRIVER": "mysql", "PRESENCE_HUB_LOG_LEVEL": "loud"}))
	err := c.Finish()
	for _, want := range []string{"listen", "mysql", "loud"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Finish error %v does not mention %s", err, want)
		}
	}
}

// TestExampleConfigLoads keeps hub/config.example.yaml valid: it is what packages install.
func TestExampleConfigLoads(t *testing.T) {
	c, err := Load("../../config.example.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, mustFinish(t, Default())) {
		t.Fatalf("the example should spell out the defaults:\n got %+v\nwant %+v", c, mustFinish(t, Default()))
	}
}

func mustFinish(t *testing.T, c Config) Config {
	t.Helper()
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBusSettings(t *testing.T) {
	c, err := Load("", env(map[string]string{"PRESENCE_HUB_DB_DRIVER": "postgres", "PRESENCE_HUB_DB_DSN": "postgres://db/hub",
		"PRESENCE_HUB_BUS_DRIVER": "nats", "PRESENCE_HUB_BUS_NATS_URL": "nats://nats:4222", "PRESENCE_HUB_BUS_ENVIRONMENT": "prod-eu",
		"PRESENCE_HUB_DB_MAX_CONNS": "24"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	if c.Bus.NATSURL != "nats://nats:4222" || c.Bus.SubjectPrefix() != "presencehub.prod-eu" || c.Database.MaxConns != 24 {
		t.Fatalf("bus settings: %+v %+v", c.Bus, c.Database)
	}
	if _, err := Load("", env(map[string]string{"PRESENCE_HUB_DB_MAX_CONNS": "many"})); err == nil || !strings.Contains(err.Error(), "MAX_CONNS") {
		t.Fatalf("bad max conns: %v", err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PRESENCE_HUB_BUS_DRIVER": "kafka"}, `bus.driver "kafka"`},
		{map[string]string{"PRESENCE_HUB_BUS_DRIVER": "nats", "PRESENCE_HUB_DB_DRIVER": "postgres", "PRESENCE_HUB_DB_DSN": "x"}, "bus.nats_url is required"},
		{map[string]string{"PRESENCE_HUB_BUS_DRIVER": "nats", "PRESENCE_HUB_BUS_NATS_URL": "nats://n"}, "set database.driver postgres"},
		{map[string]string{"PRESENCE_HUB_BUS_ENVIRONMENT": "prod.eu"}, `bus.environment "prod.eu"`},
		{map[string]string{"PRESENCE_HUB_DB_MAX_CONNS": "1"}, "database.max_conns 1"},
	} {
		c, err := Load("", env(tc.env))
		if err == nil {
			err = c.Finish()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.env, err, tc.want)
		}
	}
}
