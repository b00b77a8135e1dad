package loadgen

import (
	"context"
	"fmt"
	"io"
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
	var sends *restSender
	stop := func() {}
	if o.Rate > 0 {
		movers, err := Provision(ctx, Config{HubURL: cfg.HubURL, Key: cfg.Key, Agents: o.Movers, TeamSize: cfg.TeamSize,
			MaxChangesPerMinute: cfg.MaxChangesPerMinute, Workers: cfg.Workers})
		if err != nil {
			return fmt.Errorf("provisioning the agents that change status: %w", err)
		}
		sends = newRESTSender(cfg.HubURL, cfg.Key, movers.TenantID)
		driveCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			t0 := time.Now()
			statuses := []string{"available", "busy"}
			for k := 0; driveCtx.Err() == nil; k++ {
				select { // open loop: change k leaves at t0 + k/rate, whatever the hub's answers take
				case <-time.After(time.Until(t0.Add(time.Duration(k) * time.Second / time.Duration(o.Rate)))):
				case <-driveCtx.Done():
					return
				}
				sends.send(driveCtx, movers.Agents[k%len(movers.Agents)], statuses[k/len(movers.Agents)%2])
			}
		}()
		stop = func() { cancel(); <-done }
	}
	start := time.Now()
	f, err := Provision(ctx, cfg)
	var applied int64
	if sends != nil {
		applied = sends.sent.Load()
	}
	took := time.Since(start)
	stop()
	if err != nil {
		return err
	}
	if sends != nil {
		if err := sends.err(); err != nil {
			return fmt.Errorf("during provisioning: %w", err)
		}
	}
	secs := f.AgentsTook.Seconds()
	fmt.Fprintf(out, "provision agents=%d writers=%d seconds=%.1f agents_per_s=%.0f change_rate=%d changes_applied_per_s=%.0f\n",
		len(f.Agents), cfg.Workers, secs, float64(len(f.Agents))/secs, o.Rate, float64(applied)/took.Seconds())
	return nil
}
