package loadgen

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Idle opens one authenticated stream per agent and reports the hub's resident memory per connection.
func Idle(ctx context.Context, cfg Config, f *Fleet, settle time.Duration, out io.Writer) error {
	before, _, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := openAll(ctx, cfg, f.Tokens, nil); err != nil {
		return err
	}
	connect := time.Since(start)
	time.Sleep(settle)
	after, _, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "idle conns=%d connect_s=%.1f hub_rss_before_mb=%.1f hub_rss_after_mb=%.1f rss_per_conn_kb=%.1f\n",
		len(f.Tokens), connect.Seconds(), float64(before)/1024, float64(after)/1024, float64(after-before)/float64(len(f.Tokens)))
	return nil
}

// pendingChange is a sent change not yet seen by every supervisor of the agent's team.
type pendingChange struct {
	at      time.Time // its scheduled send time
	waiting int       // supervisors still to receive it
}

// Fanout connects every agent's device and cfg.Supervisors supervisor streams per team, then changes
// agents' statuses at rate per second for d, with send times fixed in advance (t0 + k/rate) so a slow
// hub cannot hide its latency by slowing the sender. Latency is measured from the scheduled send time
// to each supervisor's receipt of the change.
func Fanout(ctx context.Context, cfg Config, f *Fleet, rate int, d time.Duration, out io.Writer) error {
	var mu sync.Mutex
	scheduled := map[string]*pendingChange{} // agent -> its oldest change still in flight
	var latencies []time.Duration
	supervisors := max(1, cfg.Supervisors)
	deliveries := 0
	var snapshots sync.WaitGroup // supervisors still waiting for their team snapshot
	onEvent := func(_ int, m *phv1.ServerMessage, at time.Time) {
		if m.GetTeamSnapshot() != nil {
			snapshots.Done()
			return
		}
		events := m.GetBatch().GetEvents()
		if ev := m.GetEvent(); ev != nil {
			events = append(events, ev)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range events {
			deliveries++
			if ev.GetTeamId() == "" {
				continue // the agent's own device: count it, measure at the supervisor
			}
			if p, ok := scheduled[ev.GetPresence().GetAgentId()]; ok {
				latencies = append(latencies, at.Sub(p.at))
				if p.waiting--; p.waiting == 0 {
					delete(scheduled, ev.GetPresence().GetAgentId())
				}
			}
		}
	}
	devices, err := openAll(ctx, cfg, f.Tokens, onEvent)
	if err != nil {
		return err
	}
	for i := range len(f.Teams) * supervisors {
		team := f.Teams[i%len(f.Teams)]
		sup, err := dial(ctx, cfg.HubURL, f.ViewerKey, "", cfg.Sources[i%len(cfg.Sources)], func(m *phv1.ServerMessage, at time.Time) { onEvent(-1, m, at) })
		if err != nil {
			return err
		}
		snapshots.Add(1)
		if err := sup.send(ctx, &phv1.ClientMessage{Kind: &phv1.ClientMessage_SubscribeTeam{SubscribeTeam: &phv1.SubscribeTeam{RequestId: team, TeamId: team}}}); err != nil {
			return err
		}
	}
	snapshots.Wait() // every supervisor is watching before the clock starts
	time.Sleep(time.Second)
	mu.Lock()
	deliveries = 0
	mu.Unlock()
	_, cpuBefore, _ := procStats(cfg.HubPID)
	statuses := []string{"available", "busy"}
	t0 := time.Now()
	n := int(d.Seconds() * float64(rate))
	for k := 0; k < n && ctx.Err() == nil; k++ {
		at := t0.Add(time.Duration(k) * time.Second / time.Duration(rate))
		time.Sleep(time.Until(at))
		i := k % len(devices)
		agent := f.Agents[i]
		mu.Lock()
		if _, busy := scheduled[agent]; !busy {
			scheduled[agent] = &pendingChange{at: at, waiting: supervisors}
		}
		mu.Unlock()
		status := statuses[(k/len(devices))%2]
		_ = devices[i].send(ctx, &phv1.ClientMessage{Kind: &phv1.ClientMessage_SetStatus{SetStatus: &phv1.SetStatus{RequestId: strconv.Itoa(k), Status: status}}})
	}
	elapsed := time.Since(t0)
	time.Sleep(2 * time.Second) // let the tail arrive
	_, cpuAfter, _ := procStats(cfg.HubPID)
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	cpuPer := 0.0
	if deliveries > 0 {
		cpuPer = float64((cpuAfter - cpuBefore).Microseconds()) / float64(deliveries)
	}
	fmt.Fprintf(out, "fanout agents=%d teams=%d supervisors_per_team=%d rate=%d changes=%d deliveries=%d deliveries_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f cpu_us_per_delivery=%.1f measured=%d\n",
		len(f.Agents), len(f.Teams), supervisors, rate, n, deliveries, float64(deliveries)/elapsed.Seconds(), pct(0.50), pct(0.99), pct(1), cpuPer, len(latencies))
	return nil
}
