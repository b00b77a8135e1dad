package stream

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/testwait"
)

// countingWriter counts the writes that reach the socket: one system call each.
type countingWriter struct {
	w      io.Writer
	writes atomic.Int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	cw.writes.Add(1)
	return cw.w.Write(p)
}

// countWrites puts a counter between the connection's corkWriter and its socket.
func countWrites(c *conn) *countingWriter {
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	cw := &countingWriter{w: c.out.w}
	c.out.w = cw
	return cw
}

func testEvent(t testing.TB, team, agent string, version int64) outMsg {
	data, err := encodeEvent(&phv1.PresenceEvent{TeamId: team, Presence: &phv1.Presence{
		AgentId: agent, Status: "available", Version: version, Source: "device", SourceId: "dv_0123456789abcdefghijklmn",
		PreviousStatus: "busy", UpdateTime: timestamppb.New(time.Unix(1_780_000_000, 123_456_000)), Kind: "available",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return outMsg{event: data, team: team, agent: agent, version: version}
}

// drain reads n messages from the client's side, or fails.
func drain(t testing.TB, read func(context.Context) (string, error), n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	var out []string
	for range n {
		data, err := read(ctx)
		if err != nil {
			t.Fatalf("after %d of %d messages: %v", len(out), n, err)
		}
		out = append(out, data)
	}
	return out
}

// TestQueuedMessagesLeaveInOneWrite: an ack, the agent's own event and a batch of team events queued
// together reach the socket in one write, and the client reads them as separate messages, in order.
func TestQueuedMessagesLeaveInOneWrite(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	writes := countWrites(c)
	batch := []outMsg{
		testEvent(t, "", "ag_1", 2),
		{msg: &phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: "r1", Version: 2, Outcome: "applied"}}}},
		testEvent(t, "tm_1", "ag_2", 5),
		testEvent(t, "tm_1", "ag_3", 7),
	}
	if err := c.flushCorked(nil, batch); err != nil {
		t.Fatal(err)
	}
	got := drain(t, func(ctx context.Context) (string, error) { _, d, err := ws.Read(ctx); return string(d), err }, 3)
	for i, want := range []string{`{"event":{"presence":{"agentId":"ag_1"`, `{"ack":{"requestId":"r1"`, `{"batch":{"events":[{"presence":{"agentId":"ag_2"`} {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("message %d: %s; want it to start with %s", i, got[i], want)
		}
	}
	if n := writes.writes.Load(); n != 1 {
		t.Errorf("%d writes reached the socket; want 1", n)
	}
	testwait.For(t, "the collecting buffer went back to the pool", func() bool {
		c.out.mu.Lock()
		defer c.out.mu.Unlock()
		return c.out.buf == nil && !c.out.corked
	})
}

// TestAnsweredRequestLeavesInOneWrite: what is queued while a request is handled (the agent's own
// event, then the ack) waits for the hold's release and leaves in one write.
func TestAnsweredRequestLeavesInOneWrite(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	writes := countWrites(c)
	c.hold()
	c.enqueue(testEvent(t, "", "ag_1", 3))
	c.reply(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: "r1", Version: 3, Outcome: "applied"}}})
	c.release()
	got := drain(t, func(ctx context.Context) (string, error) { _, d, err := ws.Read(ctx); return string(d), err }, 2)
	if !strings.HasPrefix(got[0], `{"event":`) || !strings.HasPrefix(got[1], `{"ack":`) {
		t.Fatalf("messages %q; want the event, then the ack", got)
	}
	if n := writes.writes.Load(); n != 1 {
		t.Errorf("%d writes reached the socket; want 1", n)
	}
}

// processCPU is the process's user and system CPU time so far, in nanoseconds: on a loaded machine it
// varies less than the wall time of a benchmark, which counts the time other processes ran.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkFlush writes what one connection has queued, corked (one write) and not (a write per
// message, two for one longer than the write buffer): a device's change (its own event and the ack)
// and a supervisor's four team events (one batch frame, longer than the write buffer). Besides the
// time, it reports the writes that reached the socket and the process's CPU (client's reads included)
// per batch.
func BenchmarkFlush(b *testing.B) {
	shapes := []struct {
		name  string
		batch func(v int64) []outMsg
		msgs  int
	}{
		{"device", func(v int64) []outMsg {
			return []outMsg{testEvent(b, "", "ag_1", v), {msg: &phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: "r1", Version: v, Outcome: "applied"}}}}}
		}, 2},
		{"supervisor4", func(v int64) []outMsg {
			return []outMsg{testEvent(b, "tm_1", "ag_2", v), testEvent(b, "tm_1", "ag_3", v), testEvent(b, "tm_1", "ag_4", v), testEvent(b, "tm_1", "ag_5", v)}
		}, 1},
	}
	for _, shape := range shapes {
		for _, corked := range []bool{false, true} {
			name := shape.name + "/uncorked"
			if corked {
				name = shape.name + "/corked"
			}
			b.Run(name, func(b *testing.B) {
				ss := startStreamServer(b)
				ws, c := ss.dial(b, nil)
				batches := make([][]outMsg, b.N)
				for i := range batches {
					batches[i] = shape.batch(int64(i + 1))
				}
				writes := countWrites(c)
				done := make(chan error, 1)
				go func() {
					for range b.N * shape.msgs {
						if _, _, err := ws.Read(context.Background()); err != nil {
							done <- err
							return
						}
					}
					done <- nil
				}()
				cpu0 := processCPU()
				b.ResetTimer()
				for _, batch := range batches {
					var err error
					if corked {
						err = c.flushCorked(nil, batch)
					} else {
						err = c.flush(batch)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				b.ReportMetric(float64(writes.writes.Load())/float64(b.N), "writes/op")
				b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
