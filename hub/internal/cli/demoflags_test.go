package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/demo"
	"presencehub.dev/hub/internal/emulator/emulators"
)

func TestDemoHelpNamesTheDefaultsItUses(t *testing.T) {
	help := func(cmd string) string {
		var out bytes.Buffer
		if code := Execute(context.Background(), []string{cmd, "--help"}, &out, io.Discard); code != 0 {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		return out.String()
	}
	d := help("demo")
	for _, want := range []string{"default ./demo-data", "--emulator-base-port N",
		"aircall N, zendesk N+1, salesforce N+2, cxone N+3, talkdesk N+4, servicenow N+5, http N+6, teams N+7", "0 picks free ports"} {
		if !strings.Contains(d, want) {
			t.Errorf("demo --help lacks %q:\n%s", want, d)
		}
	}
	if s := help("serve"); !strings.Contains(s, "default ./data)") || strings.Contains(s, "emulator") {
		t.Errorf("serve --help:\n%s", s)
	}
}

func TestDemoRefusesEmulatorPortsThatCannotWork(t *testing.T) {
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	// Every emulator needs its port: the last base that fits leaves one per vendor below 65536.
	top := fmt.Sprintf("want 0 (random ports) or 1 to %d", 65536-len(emulators.Vendors()))
	for args, want := range map[string]string{
		"--emulator-base-port 65530":                    top,
		"--emulator-base-port -1":                       top,
		fmt.Sprintf("--emulator-base-port %d", p-3):     "holds the hub's own " + addr,
		fmt.Sprintf("--emulator-base-port %d", busy(t)): "listening for the aircall emulator",
	} {
		var stderr bytes.Buffer
		dir := t.TempDir()
		code := Execute(context.Background(), append([]string{"demo", "--listen", addr, "--data-dir", dir}, strings.Fields(args)...), io.Discard, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), want) {
			t.Errorf("demo %s: exit %d, %q; want an error naming %q", args, code, stderr.String(), want)
		}
		if info, _ := demo.ReadInfo(dir); info.AdminKey != "" {
			t.Errorf("demo %s touched the data dir", args)
		}
	}
}

// busy returns a port something already listens on, until the test ends.
func busy(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

func TestDemoEmulatorsOnTheBasePortAnswerThePrintedReads(t *testing.T) {
	addr, dir, base := freeAddr(t), t.TempDir(), freePortRange(t, len(emulators.Vendors()))
	out, _ := run(t, addr, "demo", "--listen", addr, "--data-dir", dir, "--emulator-base-port", strconv.Itoa(base))
	info, err := demo.ReadInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Emulators) != len(emulators.Vendors()) {
		t.Fatalf("demo.json emulators: %+v", info.Emulators)
	}
	for i, v := range emulators.Vendors() {
		e := info.Emulators[i]
		if want := fmt.Sprintf("http://127.0.0.1:%d", base+i); e.Vendor != v || e.BaseURL != want {
			t.Errorf("emulator %d: %s at %s; want %s at %s", i, e.Vendor, e.BaseURL, v, want)
		}
	}
	reads := stateReads(info)
	if len(reads) != len(emulators.Vendors()) {
		t.Fatalf("read commands for %d vendors; want %d: %+v", len(reads), len(emulators.Vendors()), reads)
	}
	for _, r := range reads {
		if !strings.Contains(out.String(), r.Command) {
			t.Errorf("the demo did not print the %s read: %s", r.Vendor, r.Command)
		}
	}
	t.Run("each printed read answers", func(t *testing.T) {
		for _, tool := range []string{"sh", "curl", "jq"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Skipf("%s is not installed (README: prerequisites)", tool)
			}
		}
		for _, r := range reads {
			got, err := exec.Command("sh", "-c", r.Command).CombinedOutput()
			s := strings.TrimSpace(string(got))
			// A failed request prints curl's error (or nothing); an answer without the state, null
			// (Talkdesk's custom_status is null unless the agent is away).
			if err != nil || s == "" || strings.Contains(s, "curl:") || strings.Contains(strings.ReplaceAll(s, `"custom_status":null`, ""), "null") {
				t.Errorf("%s: %s\n=> %q, %v", r.Vendor, r.Command, s, err)
			}
		}
	})
}

// freePortRange finds n consecutive free ports on 127.0.0.1 and returns the first.
func freePortRange(t *testing.T, n int) int {
	t.Helper()
	for range 50 {
		first := freePort(t)
		if first+n-1 > 65535 {
			continue
		}
		var held []net.Listener
		for p := first; p < first+n; p++ {
			ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				break
			}
			held = append(held, ln)
		}
		for _, ln := range held {
			ln.Close()
		}
		if len(held) == n {
			return first
		}
	}
	t.Fatalf("no %d consecutive free ports", n)
	return 0
}

// freePort is a port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
