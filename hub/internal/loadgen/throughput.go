package loadgen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
)

// ThroughputConfig describes a durable-throughput run.
type ThroughputConfig struct {
	Driver, DSN string // "sqlite" and a file path, or "postgres" and a DSN
	Agents      int
	Workers     int // concurrent change requests
	Duration    time.Duration
}

// Throughput measures durable presence changes per second through the real engine and store (each
// change: decide, version-checked save with its timeline entry, committed; concurrent changes share
// commits), with no network in the way. Every agent has a presence row before the clock starts.
func Throughput(ctx context.Context, c ThroughputConfig, out io.Writer) error {
	st, err := store.Open(ctx, c.Driver, c.DSN)
	if err != nil {
		return err
	}
	defer st.Close()
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: "throughput-" + ids.New(ids.Tenant)}
	if err := st.CreateTenant(ctx, tn); err != nil {
		return fmt.Errorf("creating tenant: %w", err)
	}
	for i, kind := range []string{"offline", "available", "busy"} {
		if err := st.CreateStatus(ctx, &model.Status{ID: ids.New(ids.Status), TenantID: tn.ID, Name: kind, DisplayName: kind, Kind: kind, AgentSettable: true, Order: int32(i)}); err != nil {
			return fmt.Errorf("creating status: %w", err)
		}
	}
	agents := make([]string, c.Agents)
	if err := parallel(ctx, c.Agents, 16, func(i int) error {
		ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: fmt.Sprintf("t%d@throughput.example", i)}
		agents[i] = ag.ID
		return st.CreateAgent(ctx, ag)
	}); err != nil {
		return fmt.Errorf("creating agents: %w", err)
	}
	engine := presence.New(st, bus.NewLocal(), slog.New(slog.DiscardHandler), presence.Options{
		DefaultMaxChangesPerMinute: 1 << 20, CachePresence: true, // as the hub runs it
	})
	// Warm up: every agent gets a presence row first, as in a hub that has been running.
	if err := parallel(ctx, len(agents), c.Workers, func(i int) error {
		_, err := engine.Apply(ctx, presence.Request{TenantID: tn.ID, AgentID: agents[i], Status: "busy", Source: model.SourceAdmin})
		return err
	}); err != nil {
		return fmt.Errorf("warming up: %w", err)
	}
	commits0, changes0 := st.GroupCommits()
	var applied atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var failure atomic.Value
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := range c.Workers {
		wg.Go(func() {
			var mine []time.Duration
			statuses := []string{"available", "busy"}
			for k := 0; time.Since(t0) < c.Duration && ctx.Err() == nil; k++ {
				agent := agents[(w+k*c.Workers)%len(agents)]
				start := time.Now()
				_, err := engine.Apply(ctx, presence.Request{TenantID: tn.ID, AgentID: agent, Status: statuses[(w+k*c.Workers)/len(agents)%2], Source: model.SourceAdmin})
				if err != nil {
					failure.Store(err)
					return
				}
				mine = append(mine, time.Since(start))
				applied.Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if err, ok := failure.Load().(error); ok {
		return fmt.Errorf("applying a change: %w", err)
	}
	commits1, changes1 := st.GroupCommits()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	group := 0.0
	if commits1 > commits0 {
		group = float64(changes1-changes0) / float64(commits1-commits0)
	}
	fmt.Fprintf(out, "throughput driver=%s agents=%d workers=%d seconds=%.1f changes=%d changes_per_s=%.0f changes_per_commit=%.1f p50_ms=%.2f p99_ms=%.2f\n",
		c.Driver, c.Agents, c.Workers, elapsed.Seconds(), applied.Load(), float64(applied.Load())/elapsed.Seconds(), group, pct(0.5), pct(0.99))
	return nil
}
