package controller

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"presencehub.dev/shared/testwait"
)

// hubBinEnv names a prebuilt presence-hub binary; without it the test builds one from the workspace.
const hubBinEnv = "PRESENCE_HUB_BIN"

const bootstrapKey = "phk_e2e_bootstrap_key_0123456789abcdef"

var (
	buildOnce sync.Once
	hubBin    string
	buildErr  error
	noHub     bool // not inside the repository's workspace: nothing to build
)

// hubBinary returns the presence-hub binary: $PRESENCE_HUB_BIN, or one built from ../hub (the desktop
// module must not import the hub's internal packages, so the tray meets a real hub as a process).
func hubBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(hubBinEnv); p != "" {
		return p
	}
	buildOnce.Do(func() {
		root, err := workspaceRoot()
		if err != nil {
			buildErr, noHub = err, true
			return
		}
		dir, err := os.MkdirTemp("", "presence-hub-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		hubBin = filepath.Join(dir, "presence-hub")
		cmd := exec.Command("go", "build", "-o", hubBin, "./hub/cmd/presence-hub")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building presence-hub: %v\n%s", err, out)
		}
	})
	if noHub {
		t.Skipf("no hub to test against (set %s to a presence-hub binary): %v", hubBinEnv, buildErr)
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return hubBin
}

// workspaceRoot is the directory of the go.work that holds the hub module.
func workspaceRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "hub", "cmd", "presence-hub")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.work with hub/ above the test directory")
		}
		dir = parent
	}
}

// hub is a running presence-hub process.
type hub struct {
	url  string
	logs *logBuffer
}

// logBuffer collects the hub's output, which the process writes while the test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startHub runs `presence-hub serve` on a free loopback port with a fresh data dir.
func startHub(t *testing.T) *hub {
	t.Helper()
	bin := hubBinary(t)
	addr := freeAddr(t)
	logs := &logBuffer{}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "PRESENCE_HUB_LISTEN="+addr, "PRESENCE_HUB_DATA_DIR="+t.TempDir(),
		"PRESENCE_HUB_BOOTSTRAP_KEY="+bootstrapKey, "PRESENCE_HUB_LOG_LEVEL=debug")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting hub: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("hub log:\n%s", logs.String())
		}
	})
	h := &hub{url: "http://" + addr, logs: logs}
	testwait.Seen(t, testwait.Default, "the hub ready at "+h.url, func() (bool, string) {
		resp, err := http.Get(h.url + "/readyz")
		if err != nil {
			return false, err.Error() + "\n" + logs.String()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status + "\n" + logs.String()
	})
	return h
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// call makes an admin REST call and decodes the answer; it fails the test unless the status is 200.
func (h *hub) call(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, h.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+bootstrapKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d %s", method, path, resp.StatusCode, data)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, data)
	}
	return m
}

// field digs a string out of nested JSON objects: field(m, "agent", "id").
func field(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

// tenant is a tenant with a catalog and one agent.
type tenant struct{ id, agent string }

func (h *hub) seed(t *testing.T) tenant {
	t.Helper()
	id := field(h.call(t, "POST", "/v1/tenants", map[string]any{"name": "e2e"}), "tenant", "id")
	for i, st := range []map[string]any{
		{"name": "available", "display_name": "Available", "kind": "available"},
		{"name": "busy", "display_name": "Busy", "kind": "busy"},
		{"name": "lunch", "display_name": "Lunch", "kind": "away"},
		{"name": "offline", "display_name": "Offline", "kind": "offline"},
		{"name": "on-call", "display_name": "On a call", "kind": "system"},
	} {
		st["order"] = i
		h.call(t, "POST", "/v1/tenants/"+id+"/statuses", st)
	}
	agent := field(h.call(t, "POST", "/v1/tenants/"+id+"/agents", map[string]any{"email": "ann@e2e.example", "display_name": "Ann"}), "agent", "id")
	return tenant{id: id, agent: agent}
}

func (h *hub) pairingCode(t *testing.T, tn tenant) string {
	t.Helper()
	return field(h.call(t, "POST", "/v1/tenants/"+tn.id+"/agents/"+tn.agent+"/pairing-codes", map[string]any{}), "pairing_code", "code")
}

func (h *hub) presence(t *testing.T, tn tenant) map[string]any {
	t.Helper()
	p, _ := h.call(t, "GET", "/v1/tenants/"+tn.id+"/agents/"+tn.agent+"/presence", nil)["presence"].(map[string]any)
	return p
}

func (h *hub) setPresence(t *testing.T, tn tenant, status, reason string) {
	t.Helper()
	h.call(t, "PUT", "/v1/tenants/"+tn.id+"/agents/"+tn.agent+"/presence", map[string]any{"status": status, "reason": reason})
}

func (h *hub) devices(t *testing.T, tn tenant) []string {
	t.Helper()
	var ids []string
	list, _ := h.call(t, "GET", "/v1/tenants/"+tn.id+"/agents/"+tn.agent+"/devices", nil)["devices"].([]any)
	for _, d := range list {
		ids = append(ids, field(d.(map[string]any), "id"))
	}
	return ids
}

// TestMain removes the hub binary built for the end-to-end test.
func TestMain(m *testing.M) {
	code := m.Run()
	if hubBin != "" {
		_ = os.RemoveAll(filepath.Dir(hubBin))
	}
	os.Exit(code)
}
