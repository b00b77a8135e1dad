// Package leader decides which replica of the hub runs its background work — the outbox workers, drift
// repair, polling and the agent sync schedule — so that each runs exactly once however many replicas
// serve the API. On PostgreSQL the leader is the replica holding a session-level advisory lock on a
// dedicated connection; when it dies the server ends its session, the lock is free, and another replica
// takes it within a few seconds. A hub on SQLite is the only replica, so it always leads.
//
// Each replica also holds a lock of its own for as long as it runs, so that any replica can tell
// whether another is still alive (Alive): work a dead replica had claimed is taken over at once.
package leader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync/atomic"
)

// Elector runs work while this replica leads.
type Elector interface {
	// ID names this replica; outbox claims and agent sync runs record it.
	ID() string
	// Run calls lead each time this replica becomes the leader, with a context that ends when it stops
	// being the leader or when ctx ends. Run returns once ctx has ended and lead has returned.
	Run(ctx context.Context, lead func(ctx context.Context))
	// Alive reports whether the replica named id is running.
	Alive(ctx context.Context, id string) (bool, error)
	// Leading reports whether this replica's background work is running.
	Leading() bool
}

// NewID returns a replica id: the host name and a random suffix, unique across restarts.
func NewID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "hub"
	}
	if i := strings.IndexByte(host, '.'); i > 0 {
		host = host[:i]
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// Single is the elector of a hub that is its database's only replica (SQLite): it always leads, and
// every other replica id is one of an earlier, stopped process.
type Single struct {
	id      string
	leading atomic.Bool
}

// NewSingle returns the elector of a single replica.
func NewSingle() *Single { return &Single{id: NewID()} }

// ID names this process.
func (s *Single) ID() string { return s.id }

// Run runs lead until ctx ends.
func (s *Single) Run(ctx context.Context, lead func(ctx context.Context)) {
	s.leading.Store(true)
	defer s.leading.Store(false)
	lead(ctx)
}

// Leading reports whether Run is running.
func (s *Single) Leading() bool { return s.leading.Load() }

// Alive is true only for this process.
func (s *Single) Alive(_ context.Context, id string) (bool, error) { return id == s.id, nil }
