package storetest

import (
	"context"
	"testing"
	"time"

	"presencehub.dev/hub/internal/store"
)

// testConnectionPause checks the stored pause of a connection: it only moves forward, and it sits
// beside the connection's health without disturbing it.
func testConnectionPause(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	if got, err := s.ConnectionPausedUntil(ctx, f.conn.ID); err != nil || !got.IsZero() {
		t.Fatalf("a new connection's pause: %v %v, want none", got, err)
	}
	must(t, s.RecordError(ctx, f.tenant.ID, f.conn.ID, "429", at))
	must(t, s.PauseConnection(ctx, f.tenant.ID, f.conn.ID, at.Add(2*time.Second)))
	must(t, s.PauseConnection(ctx, f.tenant.ID, f.conn.ID, at.Add(time.Second))) // earlier: ignored
	if got, err := s.ConnectionPausedUntil(ctx, f.conn.ID); err != nil || !got.Equal(at.Add(2*time.Second)) {
		t.Fatalf("pause %v %v, want %v", got, err, at.Add(2*time.Second))
	}
	must(t, s.PauseConnection(ctx, f.tenant.ID, f.conn.ID, at.Add(time.Minute)))
	if got, err := s.ConnectionPausedUntil(ctx, f.conn.ID); err != nil || !got.Equal(at.Add(time.Minute)) {
		t.Fatalf("pause %v %v, want %v", got, err, at.Add(time.Minute))
	}
	// The store keeps microseconds: a pause between two is kept as the later one, never ending early.
	odd := at.Add(time.Hour + 60*time.Nanosecond)
	must(t, s.PauseConnection(ctx, f.tenant.ID, f.conn.ID, odd))
	if got, err := s.ConnectionPausedUntil(ctx, f.conn.ID); err != nil || got.Before(odd) || got.After(odd.Add(time.Microsecond)) {
		t.Fatalf("pause %v %v, want %v rounded up to the microsecond", got, err, odd)
	}
	h, err := s.GetHealth(ctx, f.tenant.ID, f.conn.ID)
	must(t, err)
	if h.ErrorCount != 1 || h.LastError != "429" {
		t.Fatalf("health after pausing: %+v", h)
	}
}
