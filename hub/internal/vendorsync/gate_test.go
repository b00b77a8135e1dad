package vendorsync

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// TestGateHoldsEveryReplicaAndProbes runs two gates of one connection (two replicas) over one store in
// virtual time: a pause one of them was given holds the other back too, and when it ends one request
// goes first; the others follow only once it was answered without being told to wait again.
func TestGateHoldsEveryReplicaAndProbes(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: "acme"}
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "zd", Vendor: "zendesk", BaseURL: "https://x", Enabled: true}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateConnection(ctx, conn, nil); err != nil {
		t.Fatal(err)
	}
	fc := clock.NewFake(time.Time{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	replica := func() *gate {
		return &gate{clock: fc, st: st, log: log, tenantID: tn.ID, connectionID: conn.ID}
	}
	a, b := replica(), replica()
	timers := func(n int) bool { // a query: are n timers waiting on the fake clock now?
		done, cancel := context.WithCancel(context.Background())
		cancel()
		return fc.BlockUntilContext(done, n) == nil
	}

	a.pause(fc.Now().Add(2 * time.Second)) // a 429 with Retry-After: 2 on replica a
	entered := make(chan func())
	go func() {
		done, err := b.enter(ctx)
		if err != nil {
			t.Error(err)
		}
		entered <- done
	}()
	if err := fc.BlockUntilContext(ctx, 1); err != nil { // replica b sleeps until the stored pause is over
		t.Fatal(err)
	}
	select {
	case <-entered:
		t.Fatal("replica b sent during the pause replica a was given")
	default:
	}
	fc.Advance(2 * time.Second)
	probe := <-entered // the first request after the pause: the probe

	// While the probe is out, another request waits for its answer; the answer pauses again.
	go func() {
		done, err := b.enter(ctx)
		if err != nil {
			t.Error(err)
		}
		entered <- done
	}()
	b.pause(fc.Now().Add(2 * time.Second))
	probe()
	if err := fc.BlockUntilContext(ctx, 1); err != nil { // it waits for the new pause
		t.Fatal(err)
	}
	select {
	case <-entered:
		t.Fatal("a request went while the vendor had just said to wait again")
	default:
	}
	fc.Advance(2 * time.Second)
	probe = <-entered
	probe() // answered without a pause: requests flow again, several at once
	for range 3 {
		done, err := b.enter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
	}
	if timers(1) {
		t.Fatal("a timer is left waiting")
	}
	if got, err := st.ConnectionPausedUntil(ctx, conn.ID); err != nil || !got.Equal(fc.Now()) {
		t.Fatalf("stored pause %v %v; want the last one given, %v", got, err, fc.Now())
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"2", 2 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-1", 0},
		{"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	} {
		if got := retryAfter(c.header, now); got != c.want {
			t.Errorf("Retry-After %q: %v, want %v", c.header, got, c.want)
		}
	}
}
