package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ProvisionOptions describes a provisioning run.
type ProvisionOptions struct {
	// Rate is how many presence changes a second other agents make meanwhile (0: none), through
	// PUT .../presence with the admin key, sent open loop at fixed times.
	Rate int
	// Movers is how many agents, provisioned first, those changes are spread over.
	Movers int
}

// Provisioning measures what an IT script onboarding a contact center sees (issue 25): cfg.Agents
// agents created and paired over REST (create agent, pairing code, POST /v1/pair) by cfg.Workers
// writers, optionally while o.Rate presence changes a second are committed. Any answer but 200 fails
// the run, naming it.
func Provisioning(ctx context.Context, cfg Config, o ProvisionOptions, out io.Writer) error {
	var changes, failed atomic.Int64
	var firstFailure atomic.Pointer[error]
	stop := func() {}
	if o.Rate > 0 {
		movers, err := Provision(ctx, Config{HubURL: cfg.HubURL, Key: cfg.Key, Agents: o.Movers, TeamSize: cfg.TeamSize,
			MaxChangesPerMinute: cfg.MaxChangesPerMinute, Workers: cfg.Workers})
		if err != nil {
			return fmt.Errorf("provisioning the agents that change status: %w", err)
		}
		c := &client{url: cfg.HubURL, key: cfg.Key, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
		driveCtx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() {
			t0 := time.Now()
			statuses := []string{"available", "busy"}
			for k := 0; driveCtx.Err() == nil; k++ {
				select { // open loop: change k leaves at t0 + k/rate, whatever the hub's answers take
				case <-time.After(time.Until(t0.Add(time.Duration(k) * time.Second / time.Duration(o.Rate)))):
				case <-driveCtx.Done():
					return
				}
				agent := movers.Agents[k%len(movers.Agents)]
				status := statuses[k/len(movers.Agents)%2]
				wg.Go(func() {
					err := c.do(driveCtx, "PUT", "/v1/tenants/"+movers.TenantID+"/agents/"+agent+"/presence", map[string]any{"status": status}, nil)
					switch {
					case err == nil:
						changes.Add(1)
					case driveCtx.Err() == nil:
						failed.Add(1)
						firstFailure.CompareAndSwap(nil, &err)
					}
				})
			}
		})
		stop = func() { cancel(); wg.Wait() }
	}
	start := time.Now()
	f, err := Provision(ctx, cfg)
	applied, took := changes.Load(), time.Since(start)
	stop()
	if err != nil {
		return err
	}
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("%d presence changes failed during provisioning, first: %w", n, *firstFailure.Load())
	}
	secs := f.AgentsTook.Seconds()
	fmt.Fprintf(out, "provision agents=%d writers=%d seconds=%.1f agents_per_s=%.0f change_rate=%d changes_applied_per_s=%.0f\n",
		len(f.Agents), cfg.Workers, secs, float64(len(f.Agents))/secs, o.Rate, float64(applied)/took.Seconds())
	return nil
}
