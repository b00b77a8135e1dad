package replicatest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"presencehub.dev/shared/testwait"
)

// hubBinEnv names a prebuilt presence-hub binary; without it the test builds one from the workspace.
const hubBinEnv = "PRESENCE_HUB_BIN"

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// hubBinary returns the presence-hub binary: $PRESENCE_HUB_BIN, or one built from this workspace.
func hubBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(hubBinEnv); p != "" {
		return p
	}
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "presence-hub-replicas-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "presence-hub")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/presence-hub")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building presence-hub: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// moduleRoot is the hub module's directory (the one holding cmd/presence-hub).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cmd", "presence-hub")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no cmd/presence-hub above the test directory")
		}
		dir = parent
	}
}

// replica is one running presence-hub process.
type replica struct {
	name string
	url  string
	cmd  *exec.Cmd
	log  string // its stdout and stderr
	dead bool
}

// startReplica runs `presence-hub serve` with env on a free loopback port and waits until it is ready.
func startReplica(t *testing.T, bin, name string, args, env []string) *replica {
	t.Helper()
	addr := freeAddr(t)
	dir := t.TempDir()
	r := &replica{name: name, url: "http://" + addr, log: filepath.Join(dir, "hub.log")}
	out, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	r.cmd.Env = append(os.Environ(), append(env, "PRESENCE_HUB_LISTEN="+addr, "PRESENCE_HUB_DATA_DIR="+dir)...)
	r.cmd.Stdout, r.cmd.Stderr = out, out
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting replica %s: %v", name, err)
	}
	t.Cleanup(func() {
		if !r.dead {
			_ = r.cmd.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = r.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				_ = r.cmd.Process.Kill()
				<-done
			}
		}
		out.Close()
		if t.Failed() {
			b, _ := os.ReadFile(r.log)
			t.Logf("replica %s log (last 6000 bytes):\n%s", name, tail(b, 6000))
		}
	})
	testwait.Seen(t, 60*time.Second, "replica "+name+" ready", func() (bool, string) {
		resp, err := http.Get(r.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true, ""
			}
		}
		b, _ := os.ReadFile(r.log)
		return false, fmt.Sprintf("%v\n%s", err, tail(b, 4000))
	})
	return r
}

// kill ends the process with SIGKILL: no shutdown path runs, its sessions just drop.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = r.cmd.Wait()
	r.dead = true
}

var leaderGauge = regexp.MustCompile(`(?m)^presencehub_replica_leader\{replica="([^"]+)"\} ([01])$`)

// leading reads /metrics: whether the replica runs the background work, and its replica id.
func (r *replica) leading() (bool, string, error) {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(r.url + "/metrics")
	if err != nil {
		return false, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, "", err
	}
	m := leaderGauge.FindSubmatch(b)
	if m == nil {
		return false, "", errors.New("no presencehub_replica_leader in /metrics")
	}
	return string(m[2]) == "1", string(m[1]), nil
}

// logCount sums the count= field of the log lines of r containing msg.
func (r *replica) logCount(t *testing.T, msg string) int {
	t.Helper()
	f, err := os.Open(r.log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, msg) {
			continue
		}
		if i := strings.Index(line, " count="); i >= 0 {
			v, _, _ := strings.Cut(line[i+len(" count="):], " ")
			c, _ := strconv.Atoi(v)
			n += c
		}
	}
	return n
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

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
