package secrets

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// sessionEnv marks a private desktop session made for these tests (scripts/test: Xvfb, D-Bus and an
// unlocked gnome-keyring with a throwaway HOME). Only there does the test touch the keyring, and there
// it must pass: it never skips.
const sessionEnv = "PRESENCE_TRAY_TEST_SESSION"

// TestRealSecretService stores, reads and deletes credentials in the real Secret Service, checks with
// secret-tool that they are where other tools see them, and that the token is in no file in clear.
func TestRealSecretService(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service test is for Linux")
	}
	if os.Getenv(sessionEnv) == "" {
		t.Skip("needs the private D-Bus + gnome-keyring session scripts/test makes (it sets " + sessionEnv + "=1); " +
			"skipped so that a developer's own keyring is never touched")
	}
	probe := Store{}
	if _, err := probe.Load(); err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatalf("no usable Secret Service in the test session: %v", err)
	}
	token := "phd_realkeyring_" + strings.ReplaceAll(t.Name(), "/", "_")
	want := Credentials{HubURL: "http://127.0.0.1:1", Token: token, DeviceID: "dev_real"}
	if err := probe.Save(want); err != nil {
		t.Fatalf("Save: %v", err)
	}
	t.Cleanup(func() { _ = probe.Delete() })
	got, err := probe.Load()
	if err != nil || got != want {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	if out, err := exec.Command("secret-tool", "lookup", "service", Service, "username", User).Output(); err == nil {
		if !bytes.Contains(out, []byte(token)) {
			t.Fatalf("secret-tool sees %q, not the token", out)
		}
	} else {
		t.Logf("secret-tool not usable (%v); skipped the cross-check", err)
	}
	for _, dir := range []string{os.Getenv("HOME"), os.Getenv("XDG_RUNTIME_DIR"), os.TempDir()} {
		if f := fileContaining(dir, token); f != "" {
			t.Fatalf("the token is in clear in %s", f)
		}
	}
	if err := probe.Delete(); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := keyring.Get(Service, User); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("after Delete the keyring still answers %v", err)
	}
}

// fileContaining returns a regular file under dir (at most 4 MiB, not following links) whose bytes
// contain s, or "".
func fileContaining(dir, s string) string {
	if dir == "" {
		return ""
	}
	found := ""
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > 4<<20 {
			return nil
		}
		if data, err := os.ReadFile(p); err == nil && bytes.Contains(data, []byte(s)) {
			found = p
		}
		return nil
	})
	return found
}
