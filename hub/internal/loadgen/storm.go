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
	first, cancelFirst := context.WithCancel(ctx)
	streams, err := openAll(first, cfg, f.Tokens, nil)
	if err != nil {
		cancelFirst()
		return err
	}
	time.Sleep(settle)
	for _, s := range streams {
		s.ws.CloseNow()
	}
	cancelFirst()
	time.Sleep(settle) // the hub notices the drops and frees them
	rssBefore, cpuBefore, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	start := time.Now()
	storm := cfg
	storm.Workers = max(cfg.Workers, 256)
	if _, err := openAll(ctx, storm, f.Tokens, nil); err != nil {
		return err
	}
	took := time.Since(start)
	rssAfter, cpuAfter, _ := procStats(cfg.HubPID)
	cpu := cpuAfter - cpuBefore
	fmt.Fprintf(out, "reconnect conns=%d dialers=%d reconnect_s=%.2f reconnects_per_s=%.0f hub_cpu_s=%.2f hub_cpu_us_per_reconnect=%.0f hub_rss_before_mb=%.1f hub_rss_after_mb=%.1f\n",
		len(f.Tokens), storm.Workers, took.Seconds(), float64(len(f.Tokens))/took.Seconds(), cpu.Seconds(),
		float64(cpu.Microseconds())/float64(len(f.Tokens)), float64(rssBefore)/1024, float64(rssAfter)/1024)
	return nil
}
