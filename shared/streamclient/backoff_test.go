package streamclient

import (
	"testing"
	"time"
)

// ceilings returns the delays NextBackOff gives when the random draw is always the largest possible.
func ceilings(b *fullJitter, n int) []time.Duration {
	b.randN = func(n int64) int64 { return n - 1 }
	var out []time.Duration
	for range n {
		out = append(out, b.NextBackOff())
	}
	return out
}

func TestFullJitterCeilingDoublesUpToMax(t *testing.T) {
	b := newFullJitter(250*time.Millisecond, 5*time.Second)
	got := ceilings(b, 7)
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second,
		5 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ceilings = %v, want %v", got, want)
		}
	}
}

func TestFullJitterFloorIsMin(t *testing.T) {
	b := newFullJitter(250*time.Millisecond, 30*time.Second)
	b.randN = func(int64) int64 { return 0 }
	for i := range 20 {
		if d := b.NextBackOff(); d != 250*time.Millisecond {
			t.Fatalf("attempt %d: delay %v, want the minimum", i, d)
		}
	}
}

func TestFullJitterRandomDelaysStayInBoundsAndSpread(t *testing.T) {
	const lo, hi = 250 * time.Millisecond, 30 * time.Second
	firsts := map[time.Duration]bool{}
	for range 200 {
		b := newFullJitter(lo, hi)
		for attempt := range 12 {
			ceiling := min(hi, (2*lo)<<attempt)
			d := b.NextBackOff()
			if d < lo || d > ceiling {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", attempt, d, lo, ceiling)
			}
			if attempt == 0 {
				firsts[d] = true
			}
		}
	}
	// Two hundred clients dropped at once must not all come back at the same moment.
	if len(firsts) < 100 {
		t.Fatalf("only %d distinct first delays among 200 clients", len(firsts))
	}
}

func TestFullJitterReset(t *testing.T) {
	b := newFullJitter(100*time.Millisecond, 10*time.Second)
	ceilings(b, 5)
	b.Reset()
	if got := ceilings(b, 1)[0]; got != 200*time.Millisecond {
		t.Fatalf("after Reset: %v, want 200ms", got)
	}

	b.Reset()
	ceilings(b, 3)                     // 200ms, 400ms, 800ms
	b.connectionEnded(5 * time.Second) // short-lived: keep backing off
	if got := ceilings(b, 1)[0]; got != 1600*time.Millisecond {
		t.Fatalf("after a short connection: %v, want 1.6s", got)
	}
	b.connectionEnded(stableConnection + time.Second) // stable: start over
	if got := ceilings(b, 1)[0]; got != 200*time.Millisecond {
		t.Fatalf("after a stable connection: %v, want 200ms", got)
	}
}

func TestFullJitterDefaults(t *testing.T) {
	b := newFullJitter(0, 0)
	if b.min != defaultMinBackoff || b.max != defaultMaxBackoff {
		t.Fatalf("defaults = [%v, %v]", b.min, b.max)
	}
	b = newFullJitter(time.Second, 10*time.Millisecond) // max below min
	for range 5 {
		if d := b.NextBackOff(); d != time.Second {
			t.Fatalf("delay %v, want 1s", d)
		}
	}
}
