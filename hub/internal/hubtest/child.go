package hubtest

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"presencehub.dev/hub/internal/cli"
	"presencehub.dev/shared/testwait"
)

// childEnv marks a test binary started by StartChild: it runs as the hub instead of the tests.
const childEnv = "PRESENCE_HUB_TEST_CHILD"

// BootstrapKey is the hub-wide admin key of every test hub.
const BootstrapKey = "phk_test_bootstrap_key_0123456789"

// RunChild makes a test binary started by StartChild run `presence-hub` with its arguments (and exit);
// otherwise it runs the tests. A package whose tests kill a hub process calls it from TestMain.
func RunChild(m *testing.M) int {
	if os.Getenv(childEnv) == "1" {
		return cli.Execute(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	}
	return m.Run()
}

// StartChild runs `presence-hub serve` on dir and addr in a child process (the test binary itself, see
// RunChild), which the test can kill with SIGKILL: no shutdown path runs. It returns once the hub is
// ready; its log is dir/child.log.
func StartChild(t *testing.T, dir, addr string) (*Hub, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--data-dir", dir, "--listen", addr, "--log-level", "debug")
	cmd.Env = append(os.Environ(), childEnv+"=1", "PRESENCE_HUB_BOOTSTRAP_KEY="+BootstrapKey)
	log, err := os.OpenFile(filepath.Join(dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	testwait.Within(t, 20*time.Second, "child hub ready", func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return &Hub{URL: "http://" + addr, AdminKey: BootstrapKey, stop: func() {}}, cmd
}

// Kill ends a child hub with SIGKILL and waits for it to be gone.
func Kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_, _ = cmd.Process.Wait()
}

// FreeAddr returns a loopback address nobody listens on (for a hub that restarts on the same one).
func FreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
