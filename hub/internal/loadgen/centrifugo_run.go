package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// CentrifugoIdle connects one device per agent (connect + subscribe to its own channel) and reports
// Centrifugo's resident memory and CPU per connection, in the line Idle prints for the hub.
func CentrifugoIdle(ctx context.Context, c Centrifugo, cfg Config, settle time.Duration, out io.Writer) error {
	before, cpuBefore, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := c.openDevices(ctx, cfg, nil); err != nil {
		return err
	}
	connect := time.Since(start)
	_, cpuAfter, _ := procStats(cfg.HubPID)
	time.Sleep(settle)
	after, _, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "idle server=centrifugo conns=%d connect_s=%.1f rss_before_mb=%.1f rss_after_mb=%.1f rss_per_conn_kb=%.1f cpu_us_per_conn=%.0f\n",
		cfg.Agents, connect.Seconds(), float64(before)/1024, float64(after)/1024, float64(after-before)/float64(cfg.Agents),
		float64((cpuAfter-cpuBefore).Microseconds())/float64(cfg.Agents))
	return nil
}

// CentrifugoReconnect is Reconnect for Centrifugo: every device connected and subscribed, dropped at
// once, then connected and subscribed again at once; the server's CPU for the storm, in Reconnect's line.
func CentrifugoReconnect(ctx context.Context, c Centrifugo, cfg Config, settle time.Duration, out io.Writer) error {
	return storm(ctx, cfg, settle, "centrifugo", out, func(ctx context.Context, cfg Config) (func(), error) {
		conns, err := c.openDevices(ctx, cfg, nil)
		return func() {
			for _, ws := range conns {
				if ws != nil {
					ws.CloseNow()
				}
			}
		}, err
	})
}

// centChange is the data of one published change: the agent and a sequence number.
type centChange struct {
	Agent string `json:"a"`
	K     int    `json:"k"`
}

// CentrifugoFanout is Fanout against Centrifugo: every agent's device subscribed to its own channel,
// cfg.Supervisors supervisors per team subscribed to the team's channel, and changes broadcast to
// both channels at o.Rate per second from send times fixed in advance (each in its own request, so
// a slow answer delays no later send). Latency is measured the same way, send → each supervisor.
func CentrifugoFanout(ctx context.Context, c Centrifugo, cfg Config, o FanoutOptions, out io.Writer) error {
	lat := &latencies{scheduled: map[string]*pendingChange{}}
	supervisors := max(1, cfg.Supervisors)
	onPub := func(channel string, data []byte, at time.Time) {
		var ch centChange
		if json.Unmarshal(data, &ch) != nil {
			return
		}
		lat.mu.Lock()
		lat.delivered(ch.Agent, strings.HasPrefix(channel, "team:"), at)
		lat.mu.Unlock()
	}
	if _, err := c.openDevices(ctx, cfg, onPub); err != nil {
		return err
	}
	teams := (cfg.Agents + cfg.TeamSize - 1) / cfg.TeamSize
	err := parallel(ctx, teams*supervisors, max(1, cfg.Workers), func(i int) error {
		_, team := centChannels((i%teams)*cfg.TeamSize, cfg.TeamSize)
		_, err := c.dial(ctx, fmt.Sprintf("sup%d", i), cfg.Sources[i%len(cfg.Sources)], []string{team}, onPub)
		return err
	})
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	lat.mu.Lock()
	lat.deliveries = 0
	lat.mu.Unlock()
	_, cpuBefore, _ := procStats(cfg.HubPID)
	writesBefore := writeCalls(cfg.HubPID)
	pub := newBroadcaster(c)
	var failed atomic.Int64
	var sends sync.WaitGroup
	t0 := time.Now()
	n := int(o.Duration.Seconds() * float64(o.Rate))
	for k := 0; k < n && ctx.Err() == nil; k++ {
		at := t0.Add(time.Duration(k) * time.Second / time.Duration(o.Rate))
		time.Sleep(time.Until(at))
		i := k % cfg.Agents
		agent := fmt.Sprintf("a%d", i)
		sent := time.Now()
		lat.mu.Lock()
		lat.sendLag = append(lat.sendLag, sent.Sub(at))
		if _, busy := lat.scheduled[agent]; !busy {
			lat.scheduled[agent] = &pendingChange{sent: sent, scheduled: at, waiting: supervisors}
		}
		lat.mu.Unlock()
		own, team := centChannels(i, cfg.TeamSize)
		sends.Add(1)
		go func() {
			defer sends.Done()
			if pub.broadcast(ctx, []string{own, team}, centChange{Agent: agent, K: k}) != nil {
				failed.Add(1)
			}
		}()
	}
	elapsed := time.Since(t0)
	sends.Wait()
	time.Sleep(2 * time.Second) // let the tail arrive
	_, cpuAfter, _ := procStats(cfg.HubPID)
	writes := writeCalls(cfg.HubPID) - writesBefore
	lat.mu.Lock()
	defer lat.mu.Unlock()
	slices.Sort(lat.samples)
	slices.Sort(lat.fromSched)
	slices.Sort(lat.sendLag)
	cpuPer, writesPer := 0.0, 0.0
	if lat.deliveries > 0 {
		cpuPer = float64((cpuAfter - cpuBefore).Microseconds()) / float64(lat.deliveries)
		writesPer = float64(writes) / float64(lat.deliveries)
	}
	fmt.Fprintf(out, "fanout server=centrifugo agents=%d teams=%d supervisors_per_team=%d rate=%d changes=%d deliveries=%d deliveries_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f cpu_us_per_delivery=%.1f measured=%d sched_p50_ms=%.2f sched_p99_ms=%.2f send_lag_p99_ms=%.2f write_calls_per_delivery=%.2f failed_sends=%d\n",
		cfg.Agents, teams, supervisors, o.Rate, n, lat.deliveries, float64(lat.deliveries)/elapsed.Seconds(),
		pct(lat.samples, 0.50), pct(lat.samples, 0.99), pct(lat.samples, 1), cpuPer, len(lat.samples),
		pct(lat.fromSched, 0.50), pct(lat.fromSched, 0.99), pct(lat.sendLag, 0.99), writesPer, failed.Load())
	return nil
}
