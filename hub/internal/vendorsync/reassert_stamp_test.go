package vendorsync

import (
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
)

// TestReassertionOnlyWhereTheChangeMayPredateOurWrite is simulation seeds 65929, 57671 and 45074: a
// vendor change received soon after the hub wrote to that user was always answered by writing the hub's
// status back (its notification may predate our write). A call ending in Aircall, stamped well after the
// vendor answered our write, was answered so, and the write back landed over the wrap-up that the
// call's end had started. A stamp after every answered write, with none on its way, needs no write back.
func TestReassertionOnlyWhereTheChangeMayPredateOurWrite(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	e := newEchoes(30*time.Second, clk)
	e.expect("c", "u", "available")
	answered := clk.Now().Add(time.Second)
	clk.Advance(time.Second)
	e.answer("c", "u", "available", answered, false)
	clk.Advance(20 * time.Second)

	for _, tc := range []struct {
		name  string
		stamp time.Time
		want  bool
	}{
		{"unstamped", time.Time{}, true},
		{"stamped before the answer", answered.Add(-500 * time.Millisecond), true},
		{"stamped at the answer", answered, true},
		{"stamped after the answer", answered.Add(time.Second), false},
	} {
		if got := len(e.landable("c", "u", tc.stamp)) > 0; got != tc.want {
			t.Errorf("%s: a write may show over it = %v; want %v", tc.name, got, tc.want)
		}
	}

	// A write on its way may land after any change, whatever its stamp.
	e.expect("c", "u", "offline")
	clk.Advance(time.Second)
	if got := e.landable("c", "u", clk.Now()); len(got) != 1 || got[0] != "offline" {
		t.Errorf("a change stamped after the last answer, with a write on its way: %v may show over it; want [offline]", got)
	}
	clk.Advance(time.Minute)
	if got := e.landable("c", "u", time.Time{}); len(got) != 0 {
		t.Errorf("past the window: %v may show over it; want none", got)
	}
}

// TestStampsAreComparedAtTheStoresPrecision is simulation seed 71144: the store keeps microseconds, so a
// vendor stamp 60 ns after a write's stored answer is not after it (the late echo of that write was
// applied as a person's change).
func TestStampsAreComparedAtTheStoresPrecision(t *testing.T) {
	stored := time.Date(2000, 1, 1, 0, 0, 35, 178_000_000, time.UTC)
	if !notAfterStored(stored.Add(60*time.Nanosecond), stored) {
		t.Error("a stamp 60 ns after the stored answer counts as after it")
	}
	if notAfterStored(stored.Add(time.Microsecond), stored) {
		t.Error("a stamp a microsecond after the stored answer counts as not after it")
	}
}
