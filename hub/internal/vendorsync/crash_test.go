package vendorsync_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"presencehub.dev/hub/internal/cli"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// TestMain lets this test binary run as a hub (a child process that can be killed with SIGKILL).
func TestMain(m *testing.M) {
	if os.Getenv("PRESENCE_HUB_TEST_CHILD") == "1" {
		os.Exit(cli.Execute(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// childHub runs `presence-hub serve` in a child process on dir and addr.
func childHub(t *testing.T, dir, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--data-dir", dir, "--listen", addr, "--log-level", "debug")
	cmd.Env = append(os.Environ(), "PRESENCE_HUB_TEST_CHILD=1", "PRESENCE_HUB_BOOTSTRAP_KEY=phk_test_bootstrap_key_0123456789",
		"PRESENCE_HUB_OUTBOUND_ALLOW=127.0.0.1") // the emulators listen on loopback
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
	testwait.For(t, "child hub ready", func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return cmd
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestHubKilledMidOutboxDeliversAfterRestart(t *testing.T) {
	dir, addr := t.TempDir(), freeAddr(t)
	child := childHub(t, dir, addr)
	h := &hubtest.Hub{URL: "http://" + addr, AdminKey: "phk_test_bootstrap_key_0123456789"}
	e := newEnv(t, h, 3)
	e.applyTemplate(t, "both")
	e.zd.em.SetDown(true)
	e.ac.em.SetDown(true)
	for i := range e.agents {
		e.setPresence(t, i, []string{"lunch", "available", "busy"}[i])
	}
	testwait.For(t, "writes queued and failing", func() bool {
		for _, va := range []*vendorAccount{e.zd, e.ac} {
			hl := e.must(t, "GET", "/connections/"+va.conn, nil)["connection"].(map[string]any)["health"].(map[string]any)
			if hl["pending_writes"] != "3" || hl["error_count"] == "0" {
				return false
			}
		}
		return true
	})
	if err := child.Process.Kill(); err != nil { // SIGKILL: no shutdown path runs
		t.Fatal(err)
	}
	_, _ = child.Process.Wait()
	e.zd.em.SetDown(false)
	e.ac.em.SetDown(false)
	childHub(t, dir, addr)
	want := [][2]string{{"away", "unavailable"}, {"online", "available"}, {"transfers_only", "unavailable"}}
	// Each write is delivered exactly once, and the vendors end in the hub's statuses. (Aircall users
	// start available, so the state alone would not prove agent 1's write arrived: count the PUTs.)
	testwait.For(t, "writes delivered after restart", func() bool {
		for i, w := range want {
			if e.vendorState(e.zd, i) != w[0] || e.vendorState(e.ac, i) != w[1] {
				return false
			}
			for _, va := range []*vendorAccount{e.zd, e.ac} {
				if len(successfulPuts(va, e.users[va][i])) == 0 {
					return false
				}
			}
		}
		return true
	})
	// A duplicate would be a write still owed: once the outbox owes neither vendor anything, none can come.
	for _, va := range []*vendorAccount{e.zd, e.ac} {
		testwait.For(t, va.em.Vendor()+" owed nothing", func() bool { return noPending(t, e, va) })
	}
	for i := range e.agents {
		for _, va := range []*vendorAccount{e.zd, e.ac} {
			if n := len(successfulPuts(va, e.users[va][i])); n != 1 {
				t.Errorf("agent %d: %s accepted %d writes; want exactly 1", i, va.em.Vendor(), n)
			}
		}
	}
}
