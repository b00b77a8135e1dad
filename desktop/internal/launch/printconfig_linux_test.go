package launch

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"presencehub.dev/desktop/internal/settings"
)

// TestPrintConfig: --print-config reports each setting with its layer, and a broken policy file with
// exit code 1 and the reason, without writing anything.
func TestPrintConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_CONFIG_DIRS", filepath.Join(dir, "xdg"))
	old := settings.PolicyPath
	t.Cleanup(func() { settings.PolicyPath = old })
	settings.PolicyPath = filepath.Join(dir, "tray.json")
	write := func(s string) {
		if err := os.WriteFile(settings.PolicyPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"enforced": {"tenant": "ten_1"}, "recommended": {"hub_url": "https://rec", "start_at_login": false}}`)

	var out bytes.Buffer
	if code := PrintConfig(&out, Config{Version: "1.2.3", HubURL: "https://mine"}); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	var got struct {
		Version  string `json:"version"`
		Policy   place  `json:"policy"`
		Settings map[string]struct {
			Value  any    `json:"value"`
			Source string `json:"source"`
		} `json:"settings"`
		StartAtLoginEntry struct {
			Enabled bool `json:"enabled"`
		} `json:"start_at_login_entry"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	want := map[string][2]any{"hub_url": {"https://mine", "user"}, "tenant": {"ten_1", "enforced"}, "start_at_login": {false, "recommended"}}
	for k, w := range want {
		if v := got.Settings[k]; v.Value != w[0] || v.Source != w[1] {
			t.Errorf("%s = %v (%s), want %v (%s)", k, v.Value, v.Source, w[0], w[1])
		}
	}
	if got.Version != "1.2.3" || got.Policy.Location != settings.PolicyPath || got.Policy.Error != "" || got.StartAtLoginEntry.Enabled {
		t.Errorf("output %+v", got)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "config")); len(entries) != 0 {
		t.Errorf("--print-config wrote %v", entries)
	}

	write(`{"enforced": {"hub": "typo"}}`)
	out.Reset()
	if code := PrintConfig(&out, Config{}); code != 1 {
		t.Fatalf("a broken policy file must exit 1, got %d", code)
	}
	got.Policy = place{}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Policy.Error == "" {
		t.Fatalf("the error must be in the JSON: %v\n%s", err, out.String())
	}
}
