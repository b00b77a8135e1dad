package stream

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"presencehub.dev/shared/testwait"
)

// recorder is a wheel member that notes its beats.
type recorder struct {
	name  string
	beats *[]string
}

func (r recorder) heartbeat() { *r.beats = append(*r.beats, r.name) }
func (r recorder) shutdown()  { *r.beats = append(*r.beats, r.name+" shut down") }

// TestWheelBeatsEachMemberOncePerInterval drives the wheel tick by tick: a member first beats one
// full revolution after joining, then once per revolution, never after leaving; stopping the wheel
// shuts the remaining members down and refuses new ones.
func TestWheelBeatsEachMemberOncePerInterval(t *testing.T) {
	var got []string
	h := &heartbeats{}
	tick := func() {
		for _, b := range h.advance() {
			b.m.heartbeat()
		}
	}
	a, b, c := &beat{m: recorder{"a", &got}}, &beat{m: recorder{"b", &got}}, &beat{m: recorder{"c", &got}}
	h.add(a)
	for range 10 {
		tick()
	}
	h.add(b)
	h.add(c)
	beatsAt := map[int][]string{}
	for i := 11; i <= 3*wheelSlots; i++ {
		got = nil
		tick()
		if i == wheelSlots+20 {
			h.remove(c)
		}
		if len(got) > 0 {
			beatsAt[i] = got
		}
	}
	want := map[int][]string{
		wheelSlots: {"a"}, wheelSlots + 10: {"b", "c"},
		2 * wheelSlots: {"a"}, 2*wheelSlots + 10: {"b"},
		3 * wheelSlots: {"a"},
	}
	for i, names := range beatsAt {
		slices.Sort(names)
		if !slices.Equal(names, want[i]) {
			t.Errorf("tick %d beat %v, want %v", i, names, want[i])
		}
	}
	for i, names := range want {
		if beatsAt[i] == nil {
			t.Errorf("tick %d beat nothing, want %v", i, names)
		}
	}
	got = nil
	for _, m := range h.stop() {
		m.m.shutdown()
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"a shut down", "b shut down"}) {
		t.Fatalf("stopping shut down %v, want a and b", got)
	}
	if h.add(c) {
		t.Fatal("a stopped wheel took a new member")
	}
	got = nil
	for range wheelSlots {
		tick()
	}
	if len(got) > 0 {
		t.Fatalf("a stopped wheel beat %v", got)
	}
}

// TestHeartbeatPingsAndKeepsAnAnsweringStream: a client that answers every ping stays connected
// across revolutions of the wheel, and each revolution pings it once.
func TestHeartbeatPingsAndKeepsAnAnsweringStream(t *testing.T) {
	ss := startStreamServer(t)
	pings := make(chan struct{}, 8)
	ws, c := ss.dial(t, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		pings <- struct{}{}
		return true
	}})
	readErr := make(chan error, 1)
	go func() { _, _, err := ws.Read(context.Background()); readErr <- err }() // answers pings
	for rev := 1; rev <= 3; rev++ {
		ss.clock.tickTo(t, rev*wheelSlots)
		select {
		case <-pings:
		case err := <-readErr:
			t.Fatalf("revolution %d: stream ended: %v", rev, err)
		case <-time.After(patience):
			t.Fatalf("revolution %d: no ping", rev)
		}
		testwait.For(t, "the pong reaches the hub", func() bool { return !c.pinging.Load() })
	}
	ss.clock.tickTo(t, 3*wheelSlots+1) // every beat of the last revolution is handled
	select {
	case err := <-readErr:
		t.Fatalf("answering stream ended: %v", err)
	case <-pings:
		t.Fatal("pinged twice in one revolution")
	default:
	}
}

// TestHeartbeatClosesAStreamWhosePongIsLate: a ping still unanswered one interval later closes the
// stream with "going away".
func TestHeartbeatClosesAStreamWhosePongIsLate(t *testing.T) {
	ss := startStreamServer(t)
	ws, c := ss.dial(t, nil) // and then does not read: pings go unanswered
	ss.clock.tickTo(t, wheelSlots+1)
	if !c.pinging.Load() {
		t.Fatal("no ping after one interval")
	}
	ss.clock.tickTo(t, 2*wheelSlots+1)
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	_, _, err := ws.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway || ce.Reason != "heartbeat not answered" {
		t.Fatalf("silent client got %v, want close 1001 heartbeat not answered", err)
	}
}

// TestShutdownClosesStreamsWithGoingAway: when the hub stops, every stream gets close 1001, and a
// stream that opens afterwards is closed the same way.
func TestShutdownClosesStreamsWithGoingAway(t *testing.T) {
	ss := startStreamServer(t)
	first, _ := ss.dial(t, nil)
	second, _ := ss.dial(t, nil)
	ss.stop()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	for i, ws := range []*websocket.Conn{first, second} {
		if _, _, err := ws.Read(ctx); websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Fatalf("stream %d after shutdown: %v, want close 1001", i, err)
		}
	}
	testwait.For(t, "the wheel stops", func() bool {
		ss.s.beats.mu.Lock()
		defer ss.s.beats.mu.Unlock()
		return ss.s.beats.stopped
	})
	// The close may overtake the snapshot, so read whatever comes until the stream ends.
	late, _, err := websocket.Dial(ctx, ss.url, &websocket.DialOptions{Subprotocols: []string{Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	defer late.CloseNow()
	for {
		if _, _, err := late.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusGoingAway {
				t.Fatalf("stream opened during shutdown: %v, want close 1001", err)
			}
			break
		}
	}
}

// TestHeartbeatCutsAWriteThatStaysBlocked: a client that stops reading fills the socket's buffers and
// blocks the writer. The write is left alone for the rest of the interval in which a beat first saw
// it, and its socket is closed at the next beat, ending the stream at once (the unanswered ping's
// close handshake would wait 5 s more for the blocked write).
func TestHeartbeatCutsAWriteThatStaysBlocked(t *testing.T) {
	ss := startStreamServer(t)
	_, c := ss.dial(t, nil) // and then does not read
	big := streamError("", "invalid", strings.Repeat("x", 1<<20))
	for blocked := false; !blocked; {
		c.reply(big)
		before := c.writeSeq.Load()
		time.Sleep(50 * time.Millisecond) // samples the writer's progress: a write still on the same frame is blocked
		after := c.writeSeq.Load()
		blocked = after%2 == 1 && after == before
	}
	ss.clock.tickTo(t, wheelSlots+1)
	select {
	case <-c.ctx.Done():
		t.Fatal("a write blocked for less than an interval was cut")
	case <-time.After(100 * time.Millisecond): // can only miss a wrong cut, never fail a right one
	}
	ss.clock.tickTo(t, 2*wheelSlots+1)
	select {
	case <-c.ctx.Done():
	case <-time.After(4 * time.Second): // under the 5 s the close handshake would take, with room for a loaded machine
		t.Fatal("a write blocked for a whole interval still holds the stream")
	}
}
