package trim

import (
	"os"
	"strings"
	"testing"
)

func TestReadOnlyMapping(t *testing.T) {
	const exe = "/usr/bin/presence-tray"
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"00404000-00d40000 r-xp 00004000 fe:00 123 /usr/bin/presence-tray", true},
		{"00d40000-01832000 r--p 00940000 fe:00 123 /usr/bin/presence-tray", true},
		{"01833000-01fe5000 rw-p 01432000 fe:00 123 /usr/bin/presence-tray", false}, // data: never
		{"7f1690a7f000-7f1690a9b000 r--p 00000000 fe:00 9 /usr/lib/libc.so.6", false},
		{"7f1690a7f000-7f1690a9b000 r--s 00000000 fe:00 123 /usr/bin/presence-tray", false},
		{"01fe5000-04055000 rw-p 00000000 00:00 0", false},
		{"garbage", false},
	} {
		if _, _, ok := readOnlyMapping(tc.line, exe); ok != tc.ok {
			t.Errorf("%q: %v, want %v", tc.line, ok, tc.ok)
		}
	}
}

// TestExecutableKeepsWorking trims the test binary itself, then runs code and reads data it had
// used: the pages come back from the file.
func TestExecutableKeepsWorking(t *testing.T) {
	before := strings.Repeat("x", 3)
	res, err := Executable()
	if err != nil {
		t.Fatal(err)
	}
	if res.Ranges == 0 {
		t.Fatalf("nothing trimmed: %+v", res)
	}
	if _, err := os.ReadFile("/proc/self/status"); err != nil || strings.Repeat("x", 3) != before {
		t.Fatalf("after the trim: %v", err)
	}
}
