package loadgen

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Reconnect opens one stream per agent, drops them all at once (as when a load balancer or the hub's
// network blips), and reconnects them all at once: the time until every stream has its fresh snapshot
// again, and the hub's CPU for the storm.
func Reconnect(ctx context.Context, cfg Config, f *Fleet, settle time.Duration, out io.Writer) error {
	return storm(ctx, cfg, settle, "", out, func(ctx context.Context, cfg Config) (func(), error) {
		streams, err := openAll(ctx, cfg, f.Tokens, nil)
		return func() {
			for _, s := range streams {
				s.ws.CloseNow()
			}
		}, err
	})
}

// storm connects every agent's device with open, drops them all, and connects them all again at once
// (256 dialers at least), reporting the server's CPU for the second round. server names it in the line
// ("": the hub).
func storm(ctx context.Context, cfg Config, settle time.Duration, server string, out io.Writer, open func(ctx context.Context, cfg Config) (closeAll func(), err error)) error {
	first, cancelFirst := context.WithCancel(ctx)
	closeAll, err := open(first, cfg)
	if err != nil {
		cancelFirst()
		return err
	}
	time.Sleep(settle)
	closeAll()
	cancelFirst()
	time.Sleep(settle) // the server notices the drops and frees them
	rssBefore, cpuBefore, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	start := time.Now()
	again := cfg
	again.Workers = max(cfg.Workers, 256)
	if _, err := open(ctx, again); err != nil {
		return err
	}
	took := time.Since(start)
	rssAfter, cpuAfter, _ := procStats(cfg.HubPID)
	cpu := cpuAfter - cpuBefore
	label := "reconnect"
	if server != "" {
		label += " server=" + server
	}
	fmt.Fprintf(out, "%s conns=%d dialers=%d reconnect_s=%.2f reconnects_per_s=%.0f hub_cpu_s=%.2f hub_cpu_us_per_reconnect=%.0f hub_rss_before_mb=%.1f hub_rss_after_mb=%.1f\n",
		label, cfg.Agents, again.Workers, took.Seconds(), float64(cfg.Agents)/took.Seconds(), cpu.Seconds(),
		float64(cpu.Microseconds())/float64(cfg.Agents), float64(rssBefore)/1024, float64(rssAfter)/1024)
	return nil
}
