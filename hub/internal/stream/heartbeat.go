package stream

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// wheelSlots is how many ticks one heartbeat interval is divided into.
const wheelSlots = 64

// member is what the heartbeat wheel drives. Both methods run on the wheel's goroutine and must not
// block.
type member interface {
	heartbeat() // once per interval
	shutdown()  // once, when the wheel stops
}

// beat is a member's place on the wheel.
type beat struct {
	m          member
	prev, next *beat
	slot       int
	on         bool // on the wheel
}

// heartbeats is a timing wheel: one goroutine and one ticker beat every member once per interval,
// instead of a goroutine and a timer per connection. A member sits in the slot of the tick it joined
// on, so it first beats one interval (less at most one tick) after joining, then once every interval.
// When the wheel stops, every member is shut down; it knows every live connection, so none needs a
// hook of its own on the hub's context.
type heartbeats struct {
	mu      sync.Mutex
	slots   [wheelSlots]*beat // heads of doubly linked lists
	cur     int               // the slot of the latest tick
	stopped bool
	due     []*beat // the wheel goroutine's scratch space
}

// startHeartbeats runs a wheel with the given interval until ctx ends.
func startHeartbeats(ctx context.Context, clock Clock, interval time.Duration) *heartbeats {
	h := &heartbeats{}
	t := clock.NewTicker(max(interval/wheelSlots, time.Millisecond))
	go h.run(ctx, t)
	return h
}

func (h *heartbeats) run(ctx context.Context, t Ticker) {
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			for _, b := range h.stop() {
				b.m.shutdown()
			}
			return
		case <-t.C():
			due := h.advance()
			for _, b := range due {
				b.m.heartbeat()
			}
			clear(due)
		}
	}
}

// stop takes every member off the wheel and lists them; later adds are refused.
func (h *heartbeats) stop() []*beat {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopped = true
	var all []*beat
	for i, b := range h.slots {
		for b != nil {
			next := b.next
			b.on, b.prev, b.next = false, nil, nil
			all = append(all, b)
			b = next
		}
		h.slots[i] = nil
	}
	return all
}

// advance moves to the next slot and lists its members.
func (h *heartbeats) advance() []*beat {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cur = (h.cur + 1) % wheelSlots
	h.due = h.due[:0]
	for b := h.slots[h.cur]; b != nil; b = b.next {
		h.due = append(h.due, b)
	}
	return h.due
}

// add puts b on the wheel; it reports false if the wheel has stopped.
func (h *heartbeats) add(b *beat) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return false
	}
	if b.on {
		return true
	}
	b.on, b.slot, b.prev, b.next = true, h.cur, nil, h.slots[h.cur]
	if b.next != nil {
		b.next.prev = b
	}
	h.slots[h.cur] = b
	return true
}

// remove takes b off the wheel; it may still fire once if its tick is being handled.
func (h *heartbeats) remove(b *beat) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !b.on {
		return
	}
	if b.prev != nil {
		b.prev.next = b.next
	} else {
		h.slots[b.slot] = b.next
	}
	if b.next != nil {
		b.next.prev = b.prev
	}
	b.on, b.prev, b.next = false, nil, nil
}

// heartbeat runs on the wheel's goroutine once per interval once the snapshot is out: a stream whose
// previous ping is still unanswered is closed, otherwise it is pinged. The pong is awaited on a
// goroutine that lives only for the round trip. A write that was in progress at the previous beat and
// still is (the client stopped reading and the socket's buffers are full) gets its socket closed,
// which fails the write; a close frame could not get past it.
func (c *conn) heartbeat() {
	if seq := c.writeSeq.Load(); seq%2 == 0 {
		c.stuckSeq = 0
	} else if seq != c.stuckSeq {
		c.stuckSeq = seq
	} else {
		c.end()
		return
	}
	c.mu.Lock()
	ready := c.ready
	c.mu.Unlock()
	if !ready {
		return
	}
	if !c.pinging.CompareAndSwap(false, true) {
		c.closeWith(websocket.StatusGoingAway, "heartbeat not answered")
		return
	}
	if c.sock != nil { // the writer sends the ping; the reader takes the pong (see controlframes.go)
		c.mu.Lock()
		c.pingDue = true
		c.kick()
		return
	}
	go func() {
		// Ping returns when the pong arrives or the connection closes; the next beat closes it if the
		// pong is late.
		if err := c.ws.Ping(context.Background()); err != nil {
			c.closeWith(websocket.StatusGoingAway, "heartbeat not answered")
			return
		}
		c.pinging.Store(false)
	}()
}

// shutdown runs when the hub stops.
func (c *conn) shutdown() {
	c.closeWith(websocket.StatusGoingAway, "the hub is restarting: reconnect")
}
