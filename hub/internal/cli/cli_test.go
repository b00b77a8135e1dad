package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/shared/testwait"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// run starts presence-hub with args until the returned stop is called; it waits for /healthz.
func run(t *testing.T, addr string, args ...string) (stdout *bytes.Buffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &bytes.Buffer{}
	done := make(chan int, 1)
	go func() { done <- Execute(ctx, args, stdout, io.Discard) }()
	up, saw := testwait.Poll(testwait.Default, func() (bool, string) {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("presence-hub %v exited with %d before serving", args, code)
		default:
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return true, ""
	})
	if !up {
		cancel()
		t.Fatalf("hub did not come up: %s", saw)
	}
	var stopped bool
	var code int
	stop = func() int {
		if !stopped {
			cancel()
			code, stopped = <-done, true
		}
		return code
	}
	t.Cleanup(func() { stop() })
	return stdout, stop
}

func get(t *testing.T, url, key string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestServeTakesItsSettingsFromTheEnvironment(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	key := "bootstrap-key-from-the-environment"
	t.Setenv("PRESENCE_HUB_LISTEN", addr)
	t.Setenv("PRESENCE_HUB_DATA_DIR", dir)
	t.Setenv("PRESENCE_HUB_BOOTSTRAP_KEY", key)
	t.Setenv("PRESENCE_HUB_SEAL_KEY", hex.EncodeToString(seal.NewKey()))
	out, stop := run(t, addr, "serve")
	base := "http://" + addr
	if code, body := get(t, base+"/v1/tenants", key); code != 200 {
		t.Fatalf("bootstrap key: %d %s", code, body)
	}
	if code, _ := get(t, base+"/readyz", ""); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	if _, body := get(t, base+"/metrics", ""); !bytes.Contains(body, []byte(`presencehub_rpc_requests_total{code="OK",method="ListTenants"} 1`)) {
		t.Fatalf("metrics do not count the call:\n%s", body)
	}
	var doc map[string]any
	if _, body := get(t, base+"/openapi.json", ""); json.Unmarshal(body, &doc) != nil || doc["paths"] == nil {
		t.Fatalf("openapi.json: %s", body)
	}
	if code, _ := get(t, base+"/docs", ""); code != 200 {
		t.Fatalf("docs %d", code)
	}
	if strings.Contains(out.String(), key) {
		t.Fatal("a configured bootstrap key was echoed")
	}
	if _, err := os.Stat(filepath.Join(dir, "presence-hub.db")); err != nil {
		t.Fatalf("database not in the data dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, seal.KeyFileName)); err == nil {
		t.Fatal("a seal key file was written although PRESENCE_HUB_SEAL_KEY is set")
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d after a clean stop", code)
	}
}

func TestServeGeneratesKeysOnFirstStartOnly(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	out, stop := run(t, addr, "serve", "--listen", addr, "--data-dir", dir)
	secret := ""
	for _, f := range strings.Fields(out.String()) {
		if strings.HasPrefix(f, "phk_") {
			secret = f
		}
	}
	if secret == "" {
		t.Fatalf("no admin key printed:\n%s", out)
	}
	if code, _ := get(t, "http://"+addr+"/v1/tenants", secret); code != 200 {
		t.Fatalf("printed key does not work: %d", code)
	}
	fi, err := os.Stat(filepath.Join(dir, seal.KeyFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("generated seal key: %v %v", fi, err)
	}
	stop()
	out, _ = run(t, addr, "serve", "--listen", addr, "--data-dir", dir)
	if strings.Contains(out.String(), "phk_") {
		t.Fatalf("second start printed a key again:\n%s", out)
	}
	if code, _ := get(t, "http://"+addr+"/v1/tenants", secret); code != 200 {
		t.Fatal("key from the first start stopped working")
	}
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	var stderr bytes.Buffer
	t.Setenv("PRESENCE_HUB_SEAL_KEY", "too-short")
	code := Execute(t.Context(), []string{"serve", "--listen", freeAddr(t), "--data-dir", t.TempDir()}, io.Discard, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "PRESENCE_HUB_SEAL_KEY") {
		t.Fatalf("code %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	code = Execute(t.Context(), []string{"serve", "--listen", "no-port"}, io.Discard, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "listen") {
		t.Fatalf("code %d, stderr %q", code, stderr.String())
	}
}
