package api_test

import (
	"bufio"
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
)

// TestBusyDatabaseAnswers503: a write that cannot get SQLite's write lock within its bound (here
// another connection, as another process would, holds it) is answered 503 with Retry-After, never
// 500, and the store's metrics count it; once the lock is free the same write succeeds.
func TestBusyDatabaseAnswers503(t *testing.T) {
	h := hubtest.Start(t)
	if h.App.Store.Driver() != "sqlite" {
		t.Skip("SQLite's write lock; PostgreSQL locks rows")
	}
	f := newFixture(t, h, "acme")
	ctx := t.Context()
	if err := h.App.Store.SetWriteWait(ctx, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	outsider, err := h.App.Store.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer outsider.Close()
	if _, err := outsider.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	newAgent := func(i int) map[string]any {
		return map[string]any{"email": "busy" + strconv.Itoa(i) + "@acme.example", "team_ids": []string{f.teamID}}
	}
	// Several at once: the first waits for SQLite's busy timeout, the others for their turn behind it.
	var wg sync.WaitGroup
	answers := make([]hubtest.Response, 4)
	headers := make([]string, len(answers))
	for i := range answers {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, "POST", h.URL+"/v1/tenants/"+f.tenantID+"/agents", strings.NewReader(`{"email":"busy`+strconv.Itoa(i)+`@acme.example"}`))
			req.Header.Set("Authorization", "Bearer "+f.adminKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var body bytes.Buffer
			_, _ = body.ReadFrom(resp.Body)
			answers[i], headers[i] = hubtest.Response{Status: resp.StatusCode, Body: body.Bytes()}, resp.Header.Get("Retry-After")
		})
	}
	wg.Wait()
	for i, r := range answers {
		if r.Status != http.StatusServiceUnavailable || headers[i] != "1" {
			t.Errorf("write %d while the database is locked: %d, Retry-After %q: %s; want 503 with Retry-After 1", i, r.Status, headers[i], r.Body)
		}
	}
	if busy := metricValue(t, h, "presencehub_store_busy_total"); busy < float64(len(answers)) {
		t.Errorf("presencehub_store_busy_total = %v, want at least %d", busy, len(answers))
	}
	if _, err := outsider.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	h.Must(t, http.StatusOK, f.adminKey, "POST", "/v1/tenants/"+f.tenantID+"/agents", newAgent(0))
	if waits := metricValue(t, h, "presencehub_store_write_wait_seconds_count"); waits == 0 {
		t.Errorf("no write waits recorded")
	}
}

// metricValue reads one unlabelled sample from the hub's /metrics.
func metricValue(t *testing.T, h *hubtest.Hub, name string) float64 {
	t.Helper()
	r := h.Do(t, "", "GET", "/metrics", nil)
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s:\n%s", name, r.Body)
	return 0
}
