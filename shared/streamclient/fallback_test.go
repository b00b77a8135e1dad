package streamclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// replica serves the stream: a snapshot naming it, then nothing until the client goes; down answers 503.
func replica(t *testing.T, name string, down *atomic.Bool, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{subprotocol}})
		if err != nil {
			return
		}
		defer ws.CloseNow()
		snap, _ := protojson.Marshal(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Snapshot{Snapshot: &phv1.Snapshot{
			Presence: &phv1.Presence{AgentId: name, Status: "available", Version: 1}}}})
		if err := ws.Write(r.Context(), websocket.MessageText, snap); err != nil {
			return
		}
		ctx := ws.CloseRead(r.Context()) // answers the client's close
		for !down.Load() {
			if ctx.Err() != nil {
				return
			}
			time.Sleep(10 * time.Millisecond) // the fake replica holds the stream until marked down: not a test wait
		}
		ws.CloseNow() // the replica dies
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFailoverToAnotherReplica connects to the first replica, and when it dies, to the next one given.
func TestFailoverToAnotherReplica(t *testing.T) {
	var downA, downB atomic.Bool
	var hitsA, hitsB atomic.Int32
	a, b := replica(t, "a", &downA, &hitsA), replica(t, "b", &downB, &hitsB)
	c := New(Options{HubURL: a.URL, FallbackURLs: []string{b.URL}, Token: "phd_x", MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	snapshotFrom := func() string {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case u := <-c.Updates():
				if u.Snapshot != nil {
					return u.Snapshot.GetPresence().GetAgentId()
				}
			case <-deadline:
				t.Fatal("no snapshot")
			}
		}
	}
	if got := snapshotFrom(); got != "a" {
		t.Fatalf("first snapshot from %s, want a", got)
	}
	downA.Store(true)
	if got := snapshotFrom(); got != "b" {
		t.Fatalf("snapshot after a died from %s, want b", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if hitsB.Load() == 0 {
		t.Fatal("the fallback replica was never tried")
	}
}
