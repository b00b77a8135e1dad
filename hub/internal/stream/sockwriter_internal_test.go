package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/testwait"
)

// countingWriter counts the writes that reach the socket, waiting (w) or not (noWait): one system
// call each.
type countingWriter struct {
	w      io.Writer
	writes atomic.Int64
	noWait atomic.Int64 // of writes, those that did not wait
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	cw.writes.Add(1)
	return cw.w.Write(p)
}

// countWrites puts a counter between the connection's sockWriter and its socket. take, if not nil,
// stands for the socket's non-waiting write: it gets the real one and the bytes.
func countWrites(c *conn, take func(write func([]byte) (int, error), p []byte) (int, error)) *countingWriter {
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	cw := &countingWriter{w: c.out.w}
	c.out.w = cw
	if real := c.out.noWait; real != nil {
		c.out.noWait = func(p []byte) (int, error) {
			cw.writes.Add(1)
			cw.noWait.Add(1)
			if take != nil {
				return take(real, p)
			}
			return real(p)
		}
	}
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

// readAll is the client's side of drain.
func readAll(ws *websocket.Conn) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) { _, d, err := ws.Read(ctx); return string(d), err }
}

// queue queues batch while a request is held, as a request's answer is, and releases it.
func queue(c *conn, batch []outMsg) {
	c.hold()
	for _, m := range batch {
		c.enqueue(m)
	}
	c.release()
}

// idleWriter reports whether a connection's writer is done: no role taken, nothing left unwritten.
func idleWriter(c *conn) func() bool {
	return func() bool {
		c.mu.Lock()
		writing := c.writing
		c.mu.Unlock()
		c.out.mu.Lock()
		defer c.out.mu.Unlock()
		return !writing && c.out.pending == nil
	}
}

// TestQueuedMessagesLeaveInOneWrite: an ack, the agent's own event and a batch of team events queued
// together reach the socket in one write, and the client reads them as separate messages, in order.
func TestQueuedMessagesLeaveInOneWrite(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	writes := countWrites(c, nil)
	queue(c, []outMsg{
		testEvent(t, "", "ag_1", 2),
		{msg: &phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: "r1", Version: 2, Outcome: "applied"}}}},
		testEvent(t, "tm_1", "ag_2", 5),
		testEvent(t, "tm_1", "ag_3", 7),
		testEvent(t, "tm_1", "ag_2", 4), // older than what the batch already has: left out
	})
	got := drain(t, readAll(ws), 3)
	for i, want := range []string{`{"event":{"presence":{"agentId":"ag_1"`, `{"ack":{"requestId":"r1"`, `{"batch":{"events":[{"presence":{"agentId":"ag_2"`} {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("message %d: %s; want it to start with %s", i, got[i], want)
		}
	}
	if n := strings.Count(got[2], `"agentId"`); n != 2 {
		t.Errorf("the batch holds %d events; want 2 (the stale one left out): %s", n, got[2])
	}
	if n := writes.writes.Load(); n != 1 {
		t.Errorf("%d writes reached the socket; want 1", n)
	}
	testwait.For(t, "the writer is done", idleWriter(c))
}

// TestAnsweredRequestLeavesInOneWrite: what is queued while a request is handled (the agent's own
// event, then the ack) waits for the hold's release and leaves in one write.
func TestAnsweredRequestLeavesInOneWrite(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	writes := countWrites(c, nil)
	c.hold()
	c.enqueue(testEvent(t, "", "ag_1", 3))
	c.reply(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: "r1", Version: 3, Outcome: "applied"}}})
	c.release()
	got := drain(t, readAll(ws), 2)
	if !strings.HasPrefix(got[0], `{"event":`) || !strings.HasPrefix(got[1], `{"ack":`) {
		t.Fatalf("messages %q; want the event, then the ack", got)
	}
	if n := writes.writes.Load(); n != 1 {
		t.Errorf("%d writes reached the socket; want 1", n)
	}
}

// TestAnEventIsWrittenByWhoQueuedIt: an event for an idle connection is written before enqueue
// returns, by the goroutine that queued it, in one write that does not wait; no writer goroutine runs.
func TestAnEventIsWrittenByWhoQueuedIt(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	writes := countWrites(c, nil)
	for v := range int64(3) {
		c.enqueue(testEvent(t, "tm_1", "ag_2", v+1))
		if n := writes.noWait.Load(); n != v+1 { // no wait: enqueue has written it
			t.Fatalf("after %d events, %d writes without waiting; want %d", v+1, n, v+1)
		}
		c.mu.Lock()
		writing := c.writing
		c.mu.Unlock()
		if writing {
			t.Fatalf("a writer is still at work after event %d", v+1)
		}
	}
	got := drain(t, readAll(ws), 3)
	for i, m := range got {
		if want := fmt.Sprintf(`"version":"%d"`, i+1); !strings.Contains(m, want) {
			t.Errorf("message %d: %s; want %s", i, m, want)
		}
	}
	if n := writes.writes.Load(); n != 3 {
		t.Errorf("%d writes; want 3", n)
	}
}

// TestWhatTheSocketDoesNotTakeAtOnceFollowsInOrder: a socket that takes part of a batch, or nothing,
// without waiting leaves the rest to a writer goroutine, ahead of everything queued later; the client
// reads every message whole and in order.
func TestWhatTheSocketDoesNotTakeAtOnceFollowsInOrder(t *testing.T) {
	for _, took := range []int{0, 1, 3, 200} {
		t.Run(fmt.Sprint(took), func(t *testing.T) {
			ss := startStreamServer(t)
			ws, c := ss.dial(t, nil)
			var calls atomic.Int64
			countWrites(c, func(write func([]byte) (int, error), p []byte) (int, error) {
				if calls.Add(1) > 1 {
					return write(p)
				}
				return write(p[:min(took, len(p))]) // the first write: as if the socket were nearly full
			})
			for v := range int64(6) {
				c.enqueue(testEvent(t, "tm_1", fmt.Sprintf("ag_%d", v), v+1))
			}
			// ag_0's frame went out first, alone; the rest follow in order, in however many messages the
			// writer goroutine found them queued.
			first := drain(t, readAll(ws), 1)[0]
			if !strings.Contains(first, `"agentId":"ag_0"`) || strings.Contains(first, "batch") {
				t.Errorf("first message %s; want ag_0's event alone", first)
			}
			for want := 1; want < 6; {
				msg := drain(t, readAll(ws), 1)[0]
				var m phv1.ServerMessage
				if err := protojson.Unmarshal([]byte(msg), &m); err != nil {
					t.Fatalf("%s: %v", msg, err)
				}
				for _, e := range append(m.GetBatch().GetEvents(), m.GetEvent()) {
					if e == nil {
						continue
					}
					if got := e.GetPresence().GetAgentId(); got != fmt.Sprintf("ag_%d", want) {
						t.Fatalf("event %s; want ag_%d's next", got, want)
					}
					want++
				}
			}
			testwait.For(t, "the writer is done", idleWriter(c))
			c.enqueue(testEvent(t, "tm_1", "ag_9", 9))
			if got := drain(t, readAll(ws), 1); !strings.Contains(got[0], `"agentId":"ag_9"`) {
				t.Errorf("after the writer: %s; want ag_9's event", got[0])
			}
		})
	}
}

// TestABatchThatFindsTheSocketBusyGoesToTheWriter: while another write holds the socket (the library's
// close frame, here the test), enqueue does not wait for it: the batch goes to a writer goroutine.
func TestABatchThatFindsTheSocketBusyGoesToTheWriter(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	c.out.mu.Lock()
	c.enqueue(testEvent(t, "tm_1", "ag_1", 1)) // returns although the socket's writer is held
	c.enqueue(testEvent(t, "tm_1", "ag_2", 1))
	c.out.mu.Unlock()
	got := drain(t, readAll(ws), 2)
	if !strings.Contains(got[0], `"agentId":"ag_1"`) || !strings.Contains(got[1], `"agentId":"ag_2"`) {
		t.Errorf("messages %q; want ag_1's event, then ag_2's", got)
	}
	testwait.For(t, "the writer is done", idleWriter(c))
}

// TestFramesOfEveryLength: the hub's own frames carry payloads of every length class (RFC 6455, 5.2:
// 7-bit, 16-bit and 64-bit lengths), read whole by the websocket library on the client's side.
func TestFramesOfEveryLength(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil)
	ws.SetReadLimit(1 << 20)
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 200_000} {
		payload := []byte(strings.Repeat("x", n))
		if err := c.send(appendFrame(nil, opText, payload)); err != nil {
			t.Fatal(err)
		}
		if got := drain(t, readAll(ws), 1); len(got[0]) != n || got[0] != string(payload) {
			t.Fatalf("a %d-byte message came back as %d bytes", n, len(got[0]))
		}
	}
}

// TestNothingFollowsTheCloseFrame: once the library has written its close frame, the hub's writes fail
// instead of putting a message after it.
func TestNothingFollowsTheCloseFrame(t *testing.T) {
	var sock strings.Builder
	sw := &sockWriter{w: &sock, noWait: func(p []byte) (int, error) { return sock.Write(p) }}
	if err := sw.writeAll([]byte{frameFin | opText, 0}); err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Write([]byte{frameFin | opClose, 0}); err != nil {
		t.Fatal(err)
	}
	if err := sw.writeAll([]byte{frameFin | opText, 0}); !errors.Is(err, errCloseSent) {
		t.Errorf("writeAll after the close frame: %v; want errCloseSent", err)
	}
	if _, _, err := sw.tryWrite([]byte{frameFin | opText, 0}); !errors.Is(err, errCloseSent) {
		t.Errorf("tryWrite after the close frame: %v; want errCloseSent", err)
	}
	if got := sock.String(); got != "\x81\x00\x88\x00" {
		t.Errorf("the socket got %q; want the message, then the close frame", got)
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

// BenchmarkWrite writes what one connection has queued, on the goroutine that queued it (now) or on
// a writer goroutine (writer, as where the socket cannot be written without waiting): a device's change
// (its own event and the ack) and a supervisor's four team events (one batch frame). Each batch is
// read by the client before the next is queued. Besides the time, it reports the writes that reached
// the socket and the process's CPU (client's reads included) per batch.
func BenchmarkWrite(b *testing.B) {
	shapes := []struct {
		name  string
		batch func(v int64) []outMsg
		msgs  int
	}{
		{"device", func(v int64) []outMsg {
			return []outMsg{testEvent(b, "", "ag_1", v), {msg: &phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: "r1", Version: v, Outcome: "applied"}}}}}
		}, 2},
		{"supervisor1", func(v int64) []outMsg { return []outMsg{testEvent(b, "tm_1", "ag_2", v)} }, 1},
		{"supervisor4", func(v int64) []outMsg {
			return []outMsg{testEvent(b, "tm_1", "ag_2", v), testEvent(b, "tm_1", "ag_3", v), testEvent(b, "tm_1", "ag_4", v), testEvent(b, "tm_1", "ag_5", v)}
		}, 1},
	}
	for _, shape := range shapes {
		for _, mode := range []string{"now", "writer"} {
			b.Run(shape.name+"/"+mode, func(b *testing.B) {
				ss := startStreamServer(b)
				ws, c := ss.dial(b, nil)
				batches := make([][]outMsg, b.N)
				for i := range batches {
					batches[i] = shape.batch(int64(i + 1))
				}
				writes := countWrites(c, nil)
				if mode == "writer" {
					c.out.noWait = nil
				}
				read := make(chan error)
				go func() {
					for range b.N {
						var err error
						for range shape.msgs {
							if _, _, err = ws.Read(context.Background()); err != nil {
								break
							}
						}
						read <- err
					}
				}()
				cpu0 := processCPU()
				b.ResetTimer()
				for _, batch := range batches {
					queue(c, batch)
					if err := <-read; err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(writes.writes.Load())/float64(b.N), "writes/op")
				b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// TestEventFrameIsTheEventFramed: an event encoded straight into its frame is the same frame as the
// encoded event framed afterwards, at every header length.
func TestEventFrameIsTheEventFramed(t *testing.T) {
	for _, reason := range []string{"", strings.Repeat("r", 200), strings.Repeat("r", 70_000)} {
		ev := &phv1.PresenceEvent{TeamId: "tm_1", BlockedReason: reason, Presence: &phv1.Presence{AgentId: "ag_1", Status: "busy", Version: 3}}
		frame, event, err := encodeEventFrame(ev)
		if err != nil {
			t.Fatal(err)
		}
		want, err := encodeEvent(ev)
		if err != nil {
			t.Fatal(err)
		}
		if string(event) != string(want) || string(frame) != string(appendFrame(nil, opText, want)) {
			t.Errorf("%d-byte reason: frame %q..., event %q...; want the event %q... framed", len(reason), frame[:12], event[:12], want[:12])
		}
	}
}
