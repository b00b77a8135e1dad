package stream

import (
	"context"
	"fmt"
	"presencehub.dev/shared/testwait"
	"strings"
	"testing"
)

// TestIdleStreamHoldsNoQueueOrWriter: between messages a stream has neither a queue nor a writer
// goroutine; queued messages still go out in order, and the writer ends once they are written.
func TestIdleStreamHoldsNoQueueOrWriter(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	idle := func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.queue == nil && !c.writing
	}
	testwait.For(t, "the stream is idle after its snapshot", idle)
	for round := range 2 {
		for i := range 5 {
			c.reply(streamError(fmt.Sprintf("%d-%d", round, i), "invalid", "test"))
		}
		ctx, cancel := context.WithTimeout(t.Context(), patience)
		for i := range 5 {
			_, data, err := ws.Read(ctx)
			if want := fmt.Sprintf(`"requestId":"%d-%d"`, round, i); err != nil || !strings.Contains(string(data), want) {
				t.Fatalf("message %d of round %d: %s, %v; want %s", i, round, data, err, want)
			}
		}
		cancel()
		testwait.For(t, "the writer ends once the queue is empty", idle)
	}
}
