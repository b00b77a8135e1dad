package display

import (
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestAddress(t *testing.T) {
	for _, tc := range []struct{ d, network, addr, err string }{
		{":0", "unix", "/tmp/.X11-unix/X0", ""},
		{":99.0", "unix", "/tmp/.X11-unix/X99", ""},
		{"unix:1", "unix", "/tmp/.X11-unix/X1", ""},
		{"localhost:10.0", "tcp", "localhost:6010", ""},
		{"[::1]:2", "tcp", "[::1]:6002", ""},
		{"nonsense", "", "", "not of the form"},
		{":x", "", "", "not of the form"},
	} {
		network, addr, err := Address(tc.d)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Address(%q) error %v, want %q", tc.d, err, tc.err)
			}
			continue
		}
		if err != nil || network != tc.network || addr != tc.addr {
			t.Errorf("Address(%q) = %s %s %v, want %s %s", tc.d, network, addr, err, tc.network, tc.addr)
		}
	}
}

func TestCheck(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("displays are checked on Linux and the BSDs")
	}
	env := func(m map[string]string) Env { return func(k string) string { return m[k] } }
	if err := Check(env(nil)); err == nil || !strings.Contains(err.Error(), "DISPLAY is not set") {
		t.Fatalf("no DISPLAY: %v", err)
	}
	if err := Check(env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"})); err == nil || !strings.Contains(err.Error(), "XWayland") {
		t.Fatalf("Wayland without XWayland: %v", err)
	}
	n := 6999 // a display number no X server here uses
	for ; n < 7100; n++ {
		if _, err := os.Stat("/tmp/.X11-unix/X" + strconv.Itoa(n)); os.IsNotExist(err) {
			break
		}
	}
	if err := Check(env(map[string]string{"DISPLAY": ":" + strconv.Itoa(n)})); err == nil || !strings.Contains(err.Error(), "cannot open the display") {
		t.Fatalf("a display nobody serves: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a live "X server" on TCP: display = port - 6000
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if port < 6000 {
		t.Skipf("free port %d is below 6000", port)
	}
	if err := Check(env(map[string]string{"DISPLAY": "127.0.0.1:" + strconv.Itoa(port-6000)})); err != nil {
		t.Fatalf("a display that answers: %v", err)
	}
}
