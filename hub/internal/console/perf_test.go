package console_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
)

// perfAgents is how many agents the page-render benchmark puts in the tenant (issue 22: no page may
// take longer than 300 ms with 10,000 agents).
const perfAgents = 10_000

// BenchmarkConsolePages10kAgents times the console's pages, signed in, with 10,000 agents in the tenant
// on SQLite (created through the store: the API would take minutes). Each sub-benchmark's ns/op is one
// GET over loopback, the page rendered server-side with its in-process API calls. It measures, never
// asserts: go test ./hub/internal/console -run '^$' -bench ConsolePages10k -benchtime 20x
func BenchmarkConsolePages10kAgents(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	start := time.Now()
	var first string
	all := make([]string, 0, perfAgents)
	for i := range perfAgents {
		a := &model.Agent{ID: ids.New(ids.Agent), TenantID: f.tenant, Email: fmt.Sprintf("agent-%05d@acme.test", i), DisplayName: fmt.Sprintf("Agent %05d", i)}
		if err := f.hub.App.Store.CreateAgent(ctx, a); err != nil {
			b.Fatal(err)
		}
		all = append(all, a.ID)
		if i == perfAgents/2 {
			first = a.ID
		}
	}
	b.Logf("created %d agents in %v", perfAgents, time.Since(start).Round(time.Millisecond))
	// Every agent gets a current status through the API (the list and the overview read them).
	base := "/v1/tenants/" + f.tenant
	for _, st := range []map[string]any{{"name": "t-ready", "display_name": "Ready", "kind": "available"}, {"name": "t-away", "display_name": "Away", "kind": "away"}} {
		f.hub.Must(b, http.StatusOK, f.admin, "POST", base+"/statuses", st)
	}
	start = time.Now()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(all); i += 4 {
				st := []string{"t-ready", "t-away"}[i%2]
				f.hub.Must(b, http.StatusOK, f.admin, "PUT", base+"/agents/"+all[i]+"/presence", map[string]any{"status": st, "reason": "bench"})
			}
		})
	}
	wg.Wait()
	b.Logf("set %d presences through the API in %v", perfAgents, time.Since(start).Round(time.Millisecond))
	br := newBrowser(b, f.hub.URL)
	br.signIn(f.admin)
	for _, pg := range []struct{ name, path string }{
		{"overview", "/console/overview"},
		{"agents", "/console/agents"},
		{"agents-search", "/console/agents?q=agent-0999"},
		{"agent", "/console/agents/" + first},
		{"teams", "/console/teams"},
		{"rules", "/console/rules"},
		{"connections", "/console/connections"},
	} {
		b.Run(pg.name, func(b *testing.B) {
			var worst time.Duration
			for b.Loop() {
				t0 := time.Now()
				p := br.get(pg.path)
				if d := time.Since(t0); d > worst {
					worst = d
				}
				if p.status != http.StatusOK {
					b.Fatalf("%s: %d", pg.path, p.status)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}
