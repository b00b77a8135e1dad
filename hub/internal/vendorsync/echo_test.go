package vendorsync

import (
	"slices"
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
)

func TestEchoesOfAPolledVendorFollowItsOrder(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	step := func() { clk.Advance(100 * time.Millisecond) }
	var unstamped time.Time

	// Polled (ordered): a write that changed nothing ("available" over "available") never echoes; once the
	// vendor shows the echo of a later write, the agent picking "available" there is a real change.
	e := newEchoes(30*time.Second, clk)
	e.expect("c", "u", "available")
	step()
	e.expect("c", "u", "offline")
	step()
	if !e.consume("c", "u", "offline", unstamped, true) {
		t.Fatal("the echo of the latest write was not recognised")
	}
	if e.consume("c", "u", "available", unstamped, true) {
		t.Fatal("a polled vendor's own change was taken for the echo of a write it had already moved past")
	}

	// Webhooks (unordered, at least once): notifications come late, in any order and twice, so every
	// write still expected echoes, as often as it is delivered.
	w := newEchoes(30*time.Second, clk)
	w.expect("c", "u", "available")
	step()
	w.expect("c", "u", "offline")
	if !w.consume("c", "u", "offline", unstamped, false) || !w.consume("c", "u", "available", unstamped, false) {
		t.Fatal("late webhook echoes must still be recognised")
	}
	if !w.consume("c", "u", "available", unstamped, false) {
		t.Fatal("a duplicated delivery of an echo must be recognised too")
	}
	clk.Advance(31 * time.Second)
	if w.consume("c", "u", "available", unstamped, false) {
		t.Fatal("a write is expected only for the window after it")
	}
}

// TestEchoesAreWhatTheHubWrote is issue 17's dropped change: only the state the hub wrote, not stamped
// after the vendor answered that write, is an echo; a time window alone never makes one.
func TestEchoesAreWhatTheHubWrote(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	now := clk.Now()
	e := newEchoes(30*time.Second, clk)
	e.expect("c", "u", "online")
	inFlight := now.Add(40 * time.Millisecond)
	if !e.consume("c", "u", "online", inFlight, false) {
		t.Fatal("the echo of a write on its way was not recognised")
	}
	answered := now.Add(50 * time.Millisecond)
	e.answer("c", "u", "online", answered, false)
	clk.Advance(answered.Add(80 * time.Millisecond).Sub(clk.Now()))
	now = clk.Now()
	if e.consume("c", "u", "away", now, false) {
		t.Fatal("a person's change to another state 0.08 s after our write was taken for its echo")
	}
	if !e.consume("c", "u", "online", answered.Add(-time.Millisecond), false) {
		t.Fatal("the echo stamped before the vendor's answer was not recognised")
	}
	if e.consume("c", "u", "online", answered.Add(time.Millisecond), false) {
		t.Fatal("the state we wrote, stamped after the vendor answered our write, is a person's change, not an echo")
	}
	if e.consume("c", "other", "online", answered, false) || e.consume("d", "u", "online", answered, false) {
		t.Fatal("an echo is of one connection and one user")
	}
}

// TestAPollReadBeforeOurWriteLandsKeepsItsEcho: a poll that read the state from before our write (it
// is stamped earlier, or the write is still on its way) has not moved past that write, so the write's
// echo in the next poll is still recognised.
func TestAPollReadBeforeOurWriteLandsKeepsItsEcho(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	now := clk.Now()
	e := newEchoes(30*time.Second, clk)
	e.expect("c", "u", "busy")
	if e.consume("c", "u", "available", time.Time{}, true) {
		t.Fatal("another state is no echo")
	}
	e.answer("c", "u", "busy", now.Add(10*time.Millisecond), false)
	if e.consume("c", "u", "available", now.Add(-time.Second), true) {
		t.Fatal("another state is no echo")
	}
	if !e.consume("c", "u", "busy", now.Add(5*time.Millisecond), true) {
		t.Fatal("the echo of a write the earlier polls read before it landed was not recognised")
	}
	e.expect("c", "u", "available")
	e.answer("c", "u", "available", now.Add(20*time.Millisecond), false)
	if e.consume("c", "u", "busy", now.Add(time.Second), true) {
		t.Fatal("a state set after our write was answered is the agent's change")
	}
	if e.consume("c", "u", "available", now.Add(15*time.Millisecond), true) {
		t.Fatal("a write the vendor moved past (it showed a later state) was not forgotten")
	}
}

// TestAnUnstampedReadMovesPastNoWrite is simulation seed 49245: Teams' reads carry no time and may lag
// behind its writes, so a poll showing another state than the hub's write just answered may predate
// that write. The write stays expected: it may still show over the change (the hub writes its status
// back), and the next read showing it is its echo, not a person's change.
func TestAnUnstampedReadMovesPastNoWrite(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	var unstamped time.Time
	e := newEchoes(30*time.Second, clk)
	e.expect("c", "u", "Away")
	e.answer("c", "u", "Away", clk.Now(), false)
	clk.Advance(10 * time.Second)
	if e.consume("c", "u", "Available", unstamped, true) {
		t.Fatal("another state was taken for the echo of Away")
	}
	if got := e.landable("c", "u", unstamped); len(got) != 1 || got[0] != "Away" {
		t.Fatalf("landable %v after a late read; want [Away]: the write may still show over it", got)
	}
	clk.Advance(10 * time.Second)
	if !e.consume("c", "u", "Away", unstamped, true) {
		t.Fatal("the hub's Away, read after a late read of an older state, was not taken for its echo")
	}
	// A stamped read does move past what was answered before its stamp.
	e.expect("c", "u", "Away")
	answered := clk.Now()
	e.answer("c", "u", "Away", answered, false)
	if e.consume("c", "u", "Available", answered.Add(time.Second), true) || len(e.landable("c", "u", unstamped)) != 0 {
		t.Fatal("a read stamped after the write's answer must move past it")
	}
}

// TestOnlyTheNewestAnsweredWriteMayShow is simulation seed 76253: writes reach a vendor in order, so once
// a newer write is answered an older one still expected cannot show over a change any more.
func TestOnlyTheNewestAnsweredWriteMayShow(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	var unstamped time.Time
	e := newEchoes(30*time.Second, clk)
	e.expect("c", "u", "Available")
	e.answer("c", "u", "Available", clk.Now(), false)
	clk.Advance(10 * time.Second)
	e.expect("c", "u", "Away")
	e.answer("c", "u", "Away", clk.Now(), false)
	clk.Advance(5 * time.Second)
	e.expect("c", "u", "Busy") // on its way
	if got := e.landable("c", "u", unstamped); !slices.Equal(got, []string{"Away", "Busy"}) {
		t.Fatalf("landable %v; want [Away Busy]: the newest answered write and the one on its way", got)
	}
}

// TestATimedOutWriteMayLandAfterItsTimeout is simulation seed 107981: a vendor may apply a request after
// the hub's client gave up on it, so the echo of a timed-out write may be stamped a little after that
// "answer"; it is still the echo. The write is answered for the rest: it cannot show over a change
// stamped after its answer (not landable), and a stamp past lateApply is a person's.
func TestATimedOutWriteMayLandAfterItsTimeout(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	e := newEchoes(30*time.Second, clk)
	e.expect("c", "u", "Busy")
	timedOutAt := clk.Now().Add(10 * time.Second)
	e.answer("c", "u", "Busy", timedOutAt, true)
	clk.Advance(11 * time.Second)
	if got := e.landable("c", "u", timedOutAt.Add(time.Second)); len(got) != 0 {
		t.Errorf("a timed-out write is landable over a change stamped after its timeout: %v", got)
	}
	if !e.consume("c", "u", "Busy", timedOutAt.Add(50*time.Millisecond), false) {
		t.Fatal("the echo of a timed-out write, stamped 50 ms after the timeout, was taken for a person's pick")
	}
	if e.consume("c", "u", "Busy", timedOutAt.Add(lateApply+time.Millisecond), false) {
		t.Fatal("a pick stamped past lateApply after the timeout was taken for the timed-out write's echo")
	}

	// A write the vendor answered bounds its echo at the answer.
	e.expect("c", "v", "Busy")
	answered := clk.Now()
	e.answer("c", "v", "Busy", answered, false)
	if e.consume("c", "v", "Busy", answered.Add(50*time.Millisecond), false) {
		t.Fatal("a pick stamped after the vendor answered the write was taken for its echo")
	}
}
