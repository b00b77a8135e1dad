package loadgen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Soak keeps every agent connected while, each second, churn streams are dropped and reopened and rate
// status changes are made, for d. It samples the hub's RSS every interval; drift is the last sample
// against the first one taken after a warm-up of d/6, when caches and pools have reached their size.
func Soak(ctx context.Context, cfg Config, f *Fleet, rate, churn int, d, interval time.Duration, out io.Writer) error {
	streams, err := openAll(ctx, cfg, f.Tokens, nil)
	if err != nil {
		return err
	}
	conns := make([]context.CancelFunc, len(streams)) // per-stream cancels for the reopened ones
	warm := d / 6
	t0 := time.Now()
	var base, last, peak int64
	samples, reconnects, changes := 0, 0, 0
	nextSample := t0.Add(warm)
	statuses := []string{"available", "busy"}
	for tick := t0; time.Since(t0) < d && ctx.Err() == nil; tick = tick.Add(time.Second) {
		time.Sleep(time.Until(tick))
		for range churn {
			i := rand.IntN(len(streams))
			streams[i].ws.CloseNow()
			if conns[i] != nil {
				conns[i]()
			}
			sctx, cancel := context.WithCancel(ctx)
			s, err := dial(sctx, cfg.HubURL, f.Tokens[i], "", cfg.Sources[i%len(cfg.Sources)], nil)
			if err != nil {
				cancel()
				return fmt.Errorf("reconnecting during the soak: %w", err)
			}
			streams[i], conns[i] = s, cancel
			reconnects++
		}
		for k := range rate {
			i := rand.IntN(len(streams))
			req := &phv1.SetStatus{RequestId: strconv.Itoa(changes), Status: statuses[(changes+k)%2]}
			if streams[i].send(ctx, &phv1.ClientMessage{Kind: &phv1.ClientMessage_SetStatus{SetStatus: req}}) == nil {
				changes++
			}
		}
		if time.Now().After(nextSample) {
			rss, _, err := procStats(cfg.HubPID)
			if err != nil {
				return err
			}
			if samples == 0 {
				base = rss
			}
			last, peak = rss, max(peak, rss)
			samples++
			nextSample = nextSample.Add(interval)
		}
	}
	drift := 0.0
	if base > 0 {
		drift = 100 * float64(last-base) / float64(base)
	}
	fmt.Fprintf(out, "soak conns=%d minutes=%.1f changes=%d reconnects=%d rss_base_mb=%.1f rss_end_mb=%.1f rss_peak_mb=%.1f rss_drift_pct=%.1f samples=%d\n",
		len(streams), time.Since(t0).Minutes(), changes, reconnects, float64(base)/1024, float64(last)/1024, float64(peak)/1024, drift, samples)
	return nil
}
