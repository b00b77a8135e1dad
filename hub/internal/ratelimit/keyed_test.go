package ratelimit_test

import (
	"strconv"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ratelimit"
)

func TestBlocksAfterBurstAndRefills(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	k := ratelimit.NewKeyedSize(time.Minute, 3, 10).WithClock(func() time.Time { return now })
	for range 3 {
		if _, blocked := k.Blocked("a"); blocked {
			t.Fatal("blocked before the burst was spent")
		}
		k.Use("a")
	}
	wait, blocked := k.Blocked("a")
	if !blocked || wait != time.Minute {
		t.Fatalf("after the burst: blocked=%v wait=%s, want blocked for 1m", blocked, wait)
	}
	if _, blocked := k.Blocked("b"); blocked {
		t.Fatal("another key is blocked")
	}
	now = now.Add(time.Minute)
	if _, blocked := k.Blocked("a"); blocked {
		t.Fatal("still blocked after a refill")
	}
}

// TestBoundedAndConstantTime (finding 3): a flood of distinct keys keeps memory at the bound, and
// the cost per call does not grow with the keys seen (the old table scanned itself on every new key
// past 50,000). The comparison is between two equal batches, so it holds on a slow machine too.
func TestBoundedAndConstantTime(t *testing.T) {
	const size = 20_000
	k := ratelimit.NewKeyedSize(time.Hour, 5, size)
	batch := func(from int) time.Duration {
		start := time.Now()
		for i := from; i < from+size; i++ {
			key := strconv.Itoa(i)
			k.Blocked(key)
			k.Use(key)
		}
		return time.Since(start)
	}
	first := batch(0)
	var later time.Duration
	for i := 1; i <= 5; i++ {
		later = max(later, batch(i*size))
	}
	if k.Len() != size {
		t.Fatalf("%d keys remembered, want the bound %d", k.Len(), size)
	}
	if later > 10*first+50*time.Millisecond {
		t.Fatalf("a batch of new keys took %s once the table was full, %s when empty: work per call grows", later, first)
	}
	// The most recent keys are still throttled.
	for range 5 {
		k.Use("hot")
	}
	if _, blocked := k.Blocked("hot"); !blocked {
		t.Fatal("a key that spent its burst is not blocked")
	}
}
