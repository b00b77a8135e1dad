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

// TestAPollAskedBeforeAWriteIsStale: a poll sent before the hub wrote to a user may answer the state
// from before that write; wroteSince tells the inbound path so, and it neither applies that state nor
// lets it wipe the write's expected echo (the next poll shows the echo).
func TestAPollAskedBeforeAWriteIsStale(t *testing.T) {
	now := time.Unix(1000, 0)
	e := newEchoes(30*time.Second, func() time.Time { return now })
	asked := now
	now = now.Add(10 * time.Millisecond)
	e.expect("c", "u", "available") // the write goes out while the poll is answered
	if !e.wroteSince("c", "u", asked) || e.wroteSince("c", "other", asked) {
		t.Fatal("wroteSince does not see the write made after the poll was asked")
	}
	if e.wroteSince("c", "u", now.Add(time.Millisecond)) {
		t.Fatal("a poll asked after the write is not stale")
	}
	// The stale answer ("offline", from before the write) is checked unordered: no wipe.
	if e.consume("c", "u", "offline", false) {
		t.Fatal("the stale state was taken for an echo")
	}
	if !e.consume("c", "u", "available", true) {
		t.Fatal("the write's echo was forgotten because of a stale poll")
	}
}

// TestAPollAnsweredWhileAWriteIsOnItsWayIsStale: a poll asked after a write started but answered
// before the vendor applied it shows the old state too; until the write is answered (and for polls
// asked before that), the poll is not trusted for that user.
func TestAPollAnsweredWhileAWriteIsOnItsWayIsStale(t *testing.T) {
	now := time.Unix(1000, 0)
	e := newEchoes(30*time.Second, func() time.Time { return now })
	e.expect("c", "u", "available")
	done := e.send("c", "u")
	now = now.Add(10 * time.Millisecond)
	asked := now
	if !e.wroteSince("c", "u", asked) {
		t.Fatal("a poll asked while the write is on its way is trusted")
	}
	now = now.Add(10 * time.Millisecond)
	done()
	if !e.wroteSince("c", "u", asked) {
		t.Fatal("a poll asked before the write was answered is trusted")
	}
	now = now.Add(10 * time.Millisecond)
	if e.wroteSince("c", "u", now) {
		t.Fatal("a poll asked after the write was answered is not trusted")
	}
}
