package settings

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLinuxPolicyFile(t *testing.T) {
	dir := t.TempDir()
	old := PolicyPath
	t.Cleanup(func() { PolicyPath = old })
	PolicyPath = filepath.Join(dir, "tray.json")

	if p, err := LoadPolicy(); err != nil || p != (Policy{}) {
		t.Fatalf("no file: %+v, %v", p, err)
	}
	if err := os.WriteFile(PolicyPath, []byte(`{"enforced":{"hub_url":"https://hub.corp"},"recommended":{"start_at_login":false}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPolicy()
	if err != nil || *p.Enforced.HubURL != "https://hub.corp" || *p.Recommended.StartAtLogin || p.Enforced.StartAtLogin != nil {
		t.Fatalf("policy %+v, %v", p, err)
	}
	if err := os.WriteFile(PolicyPath, []byte(`{"enforced":{"hub":"typo"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPolicy(); err == nil {
		t.Fatal("an unknown key must be reported, not silently ignored")
	}
}
