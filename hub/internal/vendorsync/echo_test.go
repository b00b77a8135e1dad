package vendorsync

import (
	"testing"
	"time"
)

func TestEchoesOfAPolledVendorFollowItsOrder(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	step := func() { now = now.Add(100 * time.Millisecond) }

	// Polled (ordered): a write that changed nothing ("available" over "available") never echoes; once the
	// vendor shows the echo of a later write, the agent picking "available" there is a real change.
	e := newEchoes(30*time.Second, clock)
	e.expect("c", "u", "available")
	step()
	e.expect("c", "u", "offline")
	step()
	if !e.consume("c", "u", "offline", true) {
		t.Fatal("the echo of the latest write was not recognised")
	}
	if e.consume("c", "u", "available", true) {
		t.Fatal("a polled vendor's own change was taken for the echo of a write it had already moved past")
	}

	// Webhooks (unordered): notifications come late and in any order, so earlier writes still echo.
	w := newEchoes(30*time.Second, clock)
	w.expect("c", "u", "available")
	step()
	w.expect("c", "u", "offline")
	if !w.consume("c", "u", "offline", false) || !w.consume("c", "u", "available", false) {
		t.Fatal("late webhook echoes must still be recognised")
	}
	if w.consume("c", "u", "available", false) {
		t.Fatal("an echo is consumed once")
	}
}
