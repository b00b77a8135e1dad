// Package testwait is the one way tests in this repository wait for something: poll a condition until
// it holds or a deadline passes, and on failure say what was awaited and what the condition last saw.
// Tests never sleep and then assert; a test that proves something did not happen first waits, with this
// package, for a positive signal that the input was processed.
package testwait

import (
	"testing"
	"time"
)

// Default is how long For waits: generous, because a loaded CI machine is slow, and a passing test
// returns as soon as its condition holds.
const Default = 30 * time.Second

// For waits up to Default until cond holds, failing t with what.
func For(t testing.TB, what string, cond func() bool) {
	t.Helper()
	Seen(t, Default, what, func() (bool, string) { return cond(), "" })
}

// Within waits up to timeout until cond holds, failing t with what.
func Within(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	Seen(t, timeout, what, func() (bool, string) { return cond(), "" })
}

// Seen waits up to timeout until cond holds; cond also describes what it saw, and the last description
// is in the failure message.
func Seen(t testing.TB, timeout time.Duration, what string, cond func() (ok bool, saw string)) {
	t.Helper()
	if ok, saw := Poll(timeout, cond); !ok {
		if saw != "" {
			t.Fatalf("waited %v for %s; last saw: %s", timeout, what, saw)
			return
		}
		t.Fatalf("waited %v for %s", timeout, what)
	}
}

// Poll calls cond until it holds or timeout passes (at least once), backing off from 1 ms to 50 ms
// between calls, and returns cond's last answer. It is for tests that must not fail from inside a
// goroutine other than the test's own.
func Poll(timeout time.Duration, cond func() (bool, string)) (bool, string) {
	deadline := time.Now().Add(timeout)
	pause := time.Millisecond
	for {
		ok, saw := cond()
		if ok || time.Now().After(deadline) {
			return ok, saw
		}
		time.Sleep(pause)
		pause = min(pause*2, 50*time.Millisecond)
	}
}
