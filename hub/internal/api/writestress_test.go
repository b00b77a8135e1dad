package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/testenv"
)

// envStress lengthens the write stress (a Go duration, e.g. 60s) for a soak; CI runs the short default.
const envStress = "PRESENCE_TEST_WRITE_STRESS"

const (
	stressWriters = 32 // concurrent REST writers, as an IT provisioning script runs them
	// stressMaxLatency bounds every write's answer: below the store's write-lock bound (a request
	// waiting that long is answered 503) and far below SQLite's busy timeout (10 s, once answered 500).
	stressMaxLatency = 3 * time.Second
)

// stressLoad sizes the run. The race detector makes the pure-Go SQLite about ten times slower, so a
// race build gets fewer presence changers, a longer run, and bounds about starvation rather than speed:
// the store's write wait is raised so that a CPU-starved machine is not answered 503, and an answer may
// take up to SQLite's busy timeout (10 s: the 500s came exactly then).
func stressLoad() (changers int, runFor, writeWait, maxLatency time.Duration) {
	if testenv.Race() {
		return 8, 8 * time.Second, 30 * time.Second, 10 * time.Second
	}
	return 64, 3 * time.Second, store.DefaultWriteWait, stressMaxLatency
}

// TestConcurrentAdminWrites is issue 25: 32 REST writers of every kind (agents created and paired,
// rules, connections, teams, agent updates, API keys) while presence changes are committed as fast as
// the engine takes them and, on SQLite, the write-ahead log is checkpointed continuously. No answer
// may be a 5xx and no write may wait long for the database's write lock.
func TestConcurrentAdminWrites(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { writeStress(t, hubtest.Start(t)) })
	t.Run("postgres", func(t *testing.T) {
		writeStress(t, hubtest.Start(t, hubtest.WithPostgres(testenv.Postgres(t))))
	})
}

// stressTally collects what the writers saw.
type stressTally struct {
	mu      sync.Mutex
	byKind  map[string]int
	slowest map[string]time.Duration
	failed  []string // 5xx answers and transport errors
	refused []string // 4xx answers: a bug in the test's requests, reported apart
}

func (s *stressTally) note(kind string, status int, took time.Duration, body []byte, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKind[kind]++
	s.slowest[kind] = max(s.slowest[kind], took)
	switch {
	case err != nil:
		s.failed = append(s.failed, fmt.Sprintf("%s: %v", kind, err))
	case status >= 500:
		s.failed = append(s.failed, fmt.Sprintf("%s: %d %s", kind, status, body))
	case status != http.StatusOK:
		s.refused = append(s.refused, fmt.Sprintf("%s: %d %s", kind, status, body))
	}
}

// stressClient calls the REST API and notes every answer.
type stressClient struct {
	h     *hubtest.Hub
	http  *http.Client
	tally *stressTally
}

// call sends one request and decodes an OK answer into out; it reports whether the answer was OK.
func (c *stressClient) call(ctx context.Context, kind, key, method, path string, body, out any) bool {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, method, c.h.URL+path, bytes.NewReader(b))
	if err != nil {
		c.tally.note(kind, 0, 0, nil, err)
		return false
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false // the run ended
		}
		c.tally.note(kind, 0, time.Since(start), nil, err)
		return false
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.tally.note(kind, resp.StatusCode, time.Since(start), data, err)
	if resp.StatusCode != http.StatusOK || err != nil {
		return false
	}
	return out == nil || json.Unmarshal(data, out) == nil
}

func writeStress(t *testing.T, h *hubtest.Hub) {
	changers, duration, writeWait, maxLatency := stressLoad()
	if err := h.App.Store.SetWriteWait(t.Context(), writeWait); err != nil {
		t.Fatal(err)
	}
	if v := os.Getenv(envStress); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", envStress, v, err)
		}
		duration = d
	}
	root := h.AdminKey
	tenant := id(h.Must(t, http.StatusOK, root, "POST", "/v1/tenants", map[string]any{
		"name": "stress", "settings": map[string]any{"max_changes_per_minute": 6000},
	}), "tenant")
	base := "/v1/tenants/" + tenant
	for _, st := range []string{"available", "busy"} {
		h.Must(t, http.StatusOK, root, "POST", base+"/statuses", map[string]any{"name": st, "kind": st})
	}
	team := id(h.Must(t, http.StatusOK, root, "POST", base+"/teams", map[string]any{"name": "floor"}), "team")
	// Connections nobody listens on (port 9, discard): saving a rule asks the vendor for its states and
	// is refused at once instead of waiting on the network.
	newConnection := func(name string) map[string]any {
		return map[string]any{"name": name, "vendor": "aircall", "base_url": "http://127.0.0.1:9",
			"credentials": map[string]string{"api_id": "id", "api_token": "token", "webhook_token": "wh"}}
	}
	conn := id(h.Must(t, http.StatusOK, root, "POST", base+"/connections", newConnection("seed")), "connection")
	// The agents whose presence changes all along (no identities: their changes owe no vendor writes).
	const movers = 64
	moving := make([]string, movers)
	for i := range moving {
		moving[i] = id(h.Must(t, http.StatusOK, root, "POST", base+"/agents", map[string]any{
			"email": fmt.Sprintf("mover%d@stress.example", i), "team_ids": []string{team},
		}), "agent")
	}

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	tally := &stressTally{byKind: map[string]int{}, slowest: map[string]time.Duration{}}
	c := &stressClient{h: h, tally: tally, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * stressWriters}}}
	t.Cleanup(c.http.CloseIdleConnections)
	var wg sync.WaitGroup

	// Presence changes, as fast as the engine takes them.
	var changes, changeErrs atomic.Int64
	var firstChangeErr atomic.Value
	for w := range changers {
		wg.Go(func() {
			statuses := []string{"available", "busy"}
			for k := 0; ctx.Err() == nil; k++ {
				_, err := h.App.Engine.Apply(context.WithoutCancel(ctx), presence.Request{TenantID: tenant, AgentID: moving[(w+changers*k)%movers],
					Status: statuses[(w+changers*k)/movers%2], Source: model.SourceAdmin})
				if err != nil {
					changeErrs.Add(1)
					firstChangeErr.CompareAndSwap(nil, err)
					continue
				}
				changes.Add(1)
			}
		})
	}
	// Checkpoints, hundreds of times more often than the store's own (SQLite only).
	var checkpoints atomic.Int64
	if h.App.Store.Driver() == "sqlite" {
		wg.Go(func() {
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for ctx.Err() == nil {
				var busy, log, copied int
				if err := h.App.Store.SQL().QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied); err == nil {
					checkpoints.Add(1)
				}
				select {
				case <-tick.C:
				case <-ctx.Done():
				}
			}
		})
	}
	// The writers: each provisions agents (create, pairing code, pair) and, in turn, every other kind of write.
	var paired atomic.Int64
	for w := range stressWriters {
		wg.Go(func() {
			for k := 0; ctx.Err() == nil; k++ {
				name := fmt.Sprintf("w%d-%d", w, k)
				var a struct{ Agent struct{ ID string } }
				if !c.call(ctx, "create agent", root, "POST", base+"/agents", map[string]any{"email": name + "@stress.example", "team_ids": []string{team}}, &a) {
					continue
				}
				var pc struct {
					PairingCode struct{ Code string } `json:"pairing_code"`
				}
				if !c.call(ctx, "create pairing code", root, "POST", base+"/agents/"+a.Agent.ID+"/pairing-codes", map[string]any{}, &pc) {
					continue
				}
				if c.call(ctx, "pair", "", "POST", "/v1/pair", map[string]any{"code": pc.PairingCode.Code, "device_name": name}, nil) {
					paired.Add(1)
				}
				switch (w + k) % 5 { // every kind from the first round on
				case 0:
					c.call(ctx, "create rule", root, "POST", base+"/rules", map[string]any{"name": name, "connection_id": conn, "agent_ids": []string{a.Agent.ID},
						"inbound": []map[string]string{{"vendor_state": "available", "status": "available"}}}, nil)
				case 1:
					c.call(ctx, "create connection", root, "POST", base+"/connections", newConnection(name), nil)
				case 2:
					c.call(ctx, "create team", root, "POST", base+"/teams", map[string]any{"name": name}, nil)
				case 3:
					c.call(ctx, "update agent", root, "PATCH", base+"/agents/"+a.Agent.ID, map[string]any{"display_name": "Agent " + name}, nil)
				case 4:
					c.call(ctx, "create api key", root, "POST", base+"/api-keys", map[string]any{"name": name, "role": "viewer"}, nil)
				}
			}
		})
	}
	wg.Wait()

	kinds := make([]string, 0, len(tally.byKind))
	for k := range tally.byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var summary strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&summary, "\n  %-20s %5d, slowest %v", k, tally.byKind[k], tally.slowest[k].Round(time.Millisecond))
	}
	t.Logf("%s, %v, %d presence changers: %d agents paired, %d presence changes, %d checkpoints; writes:%s",
		h.App.Store.Driver(), duration, changers, paired.Load(), changes.Load(), checkpoints.Load(), summary.String())
	if len(tally.failed) > 0 {
		t.Errorf("%d writes failed (5xx or no answer), e.g.:\n  %s", len(tally.failed), strings.Join(tally.failed[:min(5, len(tally.failed))], "\n  "))
	}
	if len(tally.refused) > 0 {
		t.Errorf("%d writes refused (the test's requests are wrong), e.g.:\n  %s", len(tally.refused), strings.Join(tally.refused[:min(5, len(tally.refused))], "\n  "))
	}
	if n := changeErrs.Load(); n > 0 {
		t.Errorf("%d presence changes failed, first: %v", n, firstChangeErr.Load())
	}
	for _, k := range kinds {
		if tally.slowest[k] > maxLatency {
			t.Errorf("%s: slowest answer took %v, want at most %v (waiting for the write lock)", k, tally.slowest[k], maxLatency)
		}
	}
	if busy := metricValue(t, h, "presencehub_store_busy_total"); busy != 0 {
		t.Errorf("%v writes gave up waiting for the write lock", busy)
	}
	if h.App.Store.Driver() == "sqlite" && metricValue(t, h, "presencehub_store_write_wait_seconds_count") == 0 {
		t.Errorf("the store's metrics show no write waits")
	}
	if paired.Load() == 0 || changes.Load() == 0 {
		t.Errorf("the run did nothing: %d paired, %d changes", paired.Load(), changes.Load())
	}
}
