package genesys

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/shared/logkey"
)

// Stream timing and limits.
const (
	// watchEvery is the heartbeat watchdog's tick; a socket silent for missedBeats ticks (Genesys
	// sends a heartbeat every 30 s) is given up and the stream reconnects.
	watchEvery  = 30 * time.Second
	missedBeats = 3
	// renewBefore: channels live 24 h; the stream moves to new ones this long before they expire.
	renewBefore = 10 * time.Minute
	// idleAfter: a stream nobody polled for this long stops (its adapter was replaced, or this replica
	// no longer leads); the next Poll starts it again.
	idleAfter = 10 * time.Minute
	// topicsPerChannel and maxChannels are Genesys's limits per channel and per client.
	topicsPerChannel = 1000
	maxChannels      = 20
	backoffMin       = time.Second
	backoffMax       = time.Minute
)

// errTooManyUsers: the users' topics need more channels than a client may hold; the adapter polls.
var errTooManyUsers = errors.New("more users than 20 notification channels can follow")

// stream keeps the org's notification channels open while the adapter is polled and buffers what
// they report: the newest view of each user who changed (dirty until Poll takes it).
type stream struct {
	a *Adapter

	mu       sync.Mutex
	users    []string // whose topics are subscribed (the last full read's)
	running  bool
	cancel   context.CancelFunc
	live     bool   // every channel is open and subscribed
	gen      uint64 // counts sessions that went live (from a random start: cursors outlive the process); a change means events may have been missed
	socks    []*websocket.Conn
	ended    chan struct{} // closed when the live session ends
	pongs    chan struct{}
	views    map[string]view
	dirty    map[string]bool
	lastPoll time.Time
	resub    chan struct{}
}

func newStream(a *Adapter) *stream {
	var seed [8]byte
	_, _ = rand.Read(seed[:])
	return &stream{a: a, gen: binary.BigEndian.Uint64(seed[:]) >> 1, views: map[string]view{}, dirty: map[string]bool{}, pongs: make(chan struct{}, maxChannels),
		resub: make(chan struct{}, 1)}
}

// polled notes a poll and starts the stream if it is not running (and has users to follow).
func (s *stream) polled() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastPoll = s.a.clock.Now()
	if s.running || len(s.users) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.running, s.cancel = true, cancel
	go s.run(ctx)
}

// close stops the stream (a later poll starts it again).
func (s *stream) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *stream) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.a.clock.Since(s.lastPoll) > idleAfter
}

// run opens sessions one after another until ctx ends or nobody polls; a failed session is retried
// after a backoff (on the adapter's clock).
func (s *stream) run(ctx context.Context) {
	defer func() {
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
	}()
	backoff := backoffMin
	for {
		wentLive, err := s.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errTooManyUsers) {
			s.a.log.Warn("genesys notifications: too many users; polling instead", slog.Any(logkey.Error, err))
			return
		}
		if s.idle() {
			return
		}
		if wentLive {
			backoff = backoffMin
		}
		if err == nil {
			continue // renewal, new users, the server's closing notice: reconnect now
		}
		s.a.log.Warn("genesys notifications: reconnecting", slog.Duration("after", backoff), slog.Any(logkey.Error, err))
		t := s.a.clock.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.Chan():
		}
		backoff = min(2*backoff, backoffMax)
	}
}

// setLive marks the session live (socks open and subscribed) or not; live bumps gen.
func (s *stream) setLive(socks []*websocket.Conn, ended chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live, s.socks, s.ended = socks != nil, socks, ended
	if socks != nil {
		s.gen++
	}
}

// status is whether the stream is live and its generation.
func (s *stream) status() (live bool, gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live, s.gen
}

// follow sets the users whose topics the stream follows; a changed set resubscribes.
func (s *stream) follow(users []string) {
	slices.Sort(users)
	s.mu.Lock()
	changed := !slices.Equal(users, s.users)
	s.users = users
	s.mu.Unlock()
	if changed {
		select {
		case s.resub <- struct{}{}:
		default:
		}
	}
}

// apply records a user's reported presence or routing status (newer parts win) and tells the
// framework there is something to take.
func (s *stream) apply(id string, v view) {
	s.mu.Lock()
	s.views[id] = s.views[id].merge(v)
	s.dirty[id] = true
	s.mu.Unlock()
	if s.a.notify != nil {
		s.a.notify()
	}
}

// seen merges a full read's view of a user and returns the newest view.
func (s *stream) seen(id string, v view) view {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.views[id] = s.views[id].merge(v)
	return s.views[id]
}

// takeDirty returns the views of the users reported since the last take.
func (s *stream) takeDirty() map[string]view {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]view, len(s.dirty))
	for id := range s.dirty {
		out[id] = s.views[id]
	}
	s.dirty = map[string]bool{}
	return out
}

// redirty puts users back to be taken again (their changes could not be judged).
func (s *stream) redirty(ids map[string]view) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range ids {
		s.dirty[id] = true
	}
}

// barrier makes sure every event the server sent before now has been received: a ping on each
// socket, answered by a pong after them. It fails when the stream is not live, or stops being live
// (another generation) before every pong arrives.
func (s *stream) barrier(ctx context.Context, gen uint64) error {
	s.mu.Lock()
	live, socks, ended, same := s.live, s.socks, s.ended, s.gen == gen
	s.mu.Unlock()
	if !live || !same {
		return errors.New("the notification stream is not live")
	}
	for len(s.pongs) > 0 {
		<-s.pongs
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, c := range socks {
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"message":"ping"}`)); err != nil {
			return fmt.Errorf("pinging the notification channel: %w", err)
		}
	}
	for range socks {
		select {
		case <-s.pongs:
		case <-ended:
			return errors.New("the notification stream ended")
		case <-ctx.Done():
			return fmt.Errorf("waiting for the notification channel's pong: %w", ctx.Err())
		}
	}
	if live, g := s.status(); !live || g != gen {
		return errors.New("the notification stream reconnected")
	}
	return nil
}
