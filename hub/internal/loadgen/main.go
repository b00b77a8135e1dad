package loadgen

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

// Main parses flags and runs one mode; it returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("presence-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := Config{}
	mode := fs.String("mode", "fanout", "idle (memory per connection), fanout (latency and CPU per delivery) or agentsync (a punch-clock emulator's users synced)")
	fs.StringVar(&cfg.HubURL, "hub", "http://127.0.0.1:8080", "hub URL")
	fs.StringVar(&cfg.Key, "key", "", "hub-wide admin key (provisions a fresh tenant)")
	fs.IntVar(&cfg.Agents, "agents", 1000, "agents, one device stream each")
	fs.IntVar(&cfg.TeamSize, "team-size", 20, "agents per team")
	fs.IntVar(&cfg.Supervisors, "supervisors", 1, "fanout: supervisor streams watching each team")
	fs.IntVar(&cfg.HubPID, "hub-pid", 0, "hub process id, for RSS and CPU readings")
	fs.IntVar(&cfg.Workers, "workers", 16, "concurrent provisioning and dialing")
	first := fs.Int("source-first", 2, "first source address 127.0.0.N")
	last := fs.Int("source-last", 41, "last source address 127.0.0.N")
	rate := fs.Int("rate", 1000, "fanout: status changes per second")
	dur := fs.Duration("duration", 20*time.Second, "fanout: how long to drive changes")
	settle := fs.Duration("settle", 5*time.Second, "idle: wait after connecting before reading RSS")
	sc := AgentSyncConfig{}
	fs.StringVar(&sc.EmulatorURL, "emulator", "", "agentsync: base URL of `presence-hub emulate http`")
	fs.StringVar(&sc.EmulatorToken, "emulator-token", "punch-clock-demo-token", "agentsync: the emulator's api_token")
	fs.IntVar(&sc.RatePerMinute, "sync-rate", 6000, "agentsync: the connection's requests per minute (within the emulator's limit)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *mode == "agentsync" {
		sc.HubURL, sc.Key, sc.HubPID = cfg.HubURL, cfg.Key, cfg.HubPID
		if err := AgentSync(ctx, sc, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "presence-load:", err)
			return 1
		}
		return 0
	}
	cfg.Sources = Sources(*first, *last)
	start := time.Now()
	f, err := Provision(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "presence-load:", err)
		return 1
	}
	fmt.Fprintf(stderr, "provisioned %d agents in %.1fs\n", cfg.Agents, time.Since(start).Seconds())
	switch *mode {
	case "idle":
		err = Idle(ctx, cfg, f, *settle, stdout)
	case "fanout":
		err = Fanout(ctx, cfg, f, *rate, *dur, stdout)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(stderr, "presence-load:", err)
		return 1
	}
	return 0
}
