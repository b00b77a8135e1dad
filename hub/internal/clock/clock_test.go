package clock

import (
	"testing"
	"time"
)

func TestFakeFiresTimersOnlyWhenAdvanced(t *testing.T) {
	c := NewFake(time.Time{})
	fired := make(chan struct{}, 1)
	c.AfterFunc(time.Minute, func() { fired <- struct{}{} })
	c.Advance(59 * time.Second)
	select {
	case <-fired:
		t.Fatal("fired before its time")
	default:
	}
	c.Advance(time.Second)
	select {
	case <-fired:
	case <-time.After(10 * time.Second):
		t.Fatal("did not fire once due")
	}
	if OrReal(nil) == nil || OrReal(c) != Clock(c) {
		t.Fatal("OrReal: want the wall clock for nil and c otherwise")
	}
}
