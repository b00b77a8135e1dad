package instance

import (
	"errors"
	"testing"
	"time"
)

func TestSecondInstanceShowsTheFirst(t *testing.T) {
	dir := t.TempDir()
	shown := make(chan struct{}, 1)
	first, err := Acquire(dir, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(dir, nil); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Acquire = %v, want ErrRunning", err)
	}
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("the first instance was not asked to show its window")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(dir, nil) // the lock is free again, and the old socket file is replaced
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	again.Close()
}
