package replicatest

import (
	"context"
	"sync"
	"testing"
	"time"

	"presencehub.dev/shared/streamclient"
)

// tray is an agent's stream client, remembering what it was last told about its own agent.
type tray struct {
	c         *streamclient.Client
	home      int // the replica it connects to first
	mu        sync.Mutex
	status    string
	version   int64
	snapshots []time.Time // when each snapshot (each new connection) arrived
	done      chan struct{}
}

// startTray connects a device token to urls[0], falling back to the others in turn.
func startTray(t *testing.T, token string, home int, urls []string) *tray {
	t.Helper()
	tr := &tray{home: home, done: make(chan struct{}),
		c: streamclient.New(streamclient.Options{HubURL: urls[0], FallbackURLs: urls[1:], Token: token,
			MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = tr.c.Run(ctx) }()
	go func() {
		defer close(tr.done)
		for u := range tr.c.Updates() {
			tr.apply(u)
		}
	}()
	t.Cleanup(func() { cancel(); <-tr.done })
	return tr
}

func (tr *tray) apply(u streamclient.Update) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if u.Snapshot != nil {
		tr.snapshots = append(tr.snapshots, time.Now())
		if p := u.Snapshot.GetPresence(); p != nil { // a snapshot replaces what was known
			tr.status, tr.version = p.GetStatus(), p.GetVersion()
		}
	}
	for _, e := range u.Events {
		if p := e.GetPresence(); e.GetTeamId() == "" && p.GetVersion() > tr.version {
			tr.status, tr.version = p.GetStatus(), p.GetVersion()
		}
	}
}

// seen returns the own agent's last known status and version.
func (tr *tray) seen() (string, int64) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.status, tr.version
}

// snapshotsAfter counts the snapshots received after at.
func (tr *tray) snapshotsAfter(at time.Time) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n := 0
	for _, s := range tr.snapshots {
		if s.After(at) {
			n++
		}
	}
	return n
}
