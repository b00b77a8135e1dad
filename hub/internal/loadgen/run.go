package loadgen

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Idle opens one authenticated stream per agent and reports the hub's resident memory per connection.
func Idle(ctx context.Context, cfg Config, f *Fleet, settle time.Duration, out io.Writer) error {
	before, cpuBefore, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := openAll(ctx, cfg, f.Tokens, nil); err != nil {
		return err
	}
	connect := time.Since(start)
	_, cpuAfter, _ := procStats(cfg.HubPID)
	time.Sleep(settle)
	after, _, err := procStats(cfg.HubPID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "idle conns=%d connect_s=%.1f hub_rss_before_mb=%.1f hub_rss_after_mb=%.1f rss_per_conn_kb=%.1f cpu_us_per_conn=%.0f\n",
		len(f.Tokens), connect.Seconds(), float64(before)/1024, float64(after)/1024, float64(after-before)/float64(len(f.Tokens)),
		float64((cpuAfter-cpuBefore).Microseconds())/float64(len(f.Tokens)))
	return nil
}
