package testwait

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPollReturnsAsSoonAsTheConditionHolds(t *testing.T) {
	var n atomic.Int32
	ok, saw := Poll(time.Minute, func() (bool, string) { return n.Add(1) == 3, fmt.Sprint(n.Load()) })
	if !ok || saw != "3" {
		t.Fatalf("Poll = %v, %q; want true after the third call", ok, saw)
	}
}

func TestPollGivesUpWithTheLastAnswer(t *testing.T) {
	var n atomic.Int32
	ok, saw := Poll(20*time.Millisecond, func() (bool, string) { return false, fmt.Sprint(n.Add(1)) })
	if ok || saw == "" || saw == "0" {
		t.Fatalf("Poll = %v, %q; want false with the last call's answer", ok, saw)
	}
}

// recorder captures a failure instead of ending the test.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
}

func TestSeenFailsWithWhatItAwaitedAndSaw(t *testing.T) {
	r := &recorder{TB: t}
	Seen(r, 10*time.Millisecond, "the agent to be on lunch", func() (bool, string) { return false, "status=available" })
	if !strings.Contains(r.msg, "the agent to be on lunch") || !strings.Contains(r.msg, "status=available") {
		t.Fatalf("failure message %q does not name what was awaited and seen", r.msg)
	}
}
