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
	mode := fs.String("mode", "fanout", "idle (memory per connection), fanout (latency and CPU per delivery), reconnect (storm), slow (stalled supervisors),\n"+
		"flap (an agent flapping), soak (churn over time, RSS drift), throughput (durable changes/s, in process), agentsync (a punch-clock emulator's users synced)\n"+
		"or provision (agents created and paired over REST per second by -workers writers, while -rate presence changes/s)")
	fs.StringVar(&cfg.HubURL, "hub", "http://127.0.0.1:8080", "hub URL")
	fs.StringVar(&cfg.Key, "key", "", "hub-wide admin key (provisions a fresh tenant)")
	fs.IntVar(&cfg.Agents, "agents", 1000, "agents, one device stream each")
	fs.IntVar(&cfg.TeamSize, "team-size", 20, "agents per team")
	fs.IntVar(&cfg.Supervisors, "supervisors", 1, "fanout: supervisor streams watching each team")
	fs.IntVar(&cfg.HubPID, "hub-pid", 0, "hub process id, for RSS and CPU readings")
	fs.IntVar(&cfg.Workers, "workers", 16, "concurrent provisioning and dialing")
	fs.IntVar(&cfg.MaxChangesPerMinute, "max-changes-per-minute", 6000, "the tenant's per-agent flap limit (flap: try the hub's default, 60)")
	first := fs.Int("source-first", 2, "first source address 127.0.0.N")
	last := fs.Int("source-last", 41, "last source address 127.0.0.N")
	rate := fs.Int("rate", 1000, "fanout, provision: status changes per second")
	dur := fs.Duration("duration", 20*time.Second, "fanout: how long to drive changes")
	via := fs.String("via", "stream", "fanout: send the changes as set_status on each agent's device stream (stream) or as the admin API's PUT presence (rest)")
	settle := fs.Duration("settle", 5*time.Second, "idle, reconnect: wait after connecting before reading RSS")
	stalled := fs.Int("stalled", 4, "slow: supervisor streams watching every team that never read")
	flapRate := fs.Int("flap-rate", 200, "flap: the abuser's status flips per second")
	churn := fs.Int("churn", 20, "soak: streams dropped and reopened per second")
	sample := fs.Duration("sample", 30*time.Second, "soak: RSS sampling interval")
	tc := ThroughputConfig{}
	fs.StringVar(&tc.Driver, "driver", "sqlite", "throughput: sqlite or postgres")
	fs.StringVar(&tc.DSN, "dsn", "", "throughput: SQLite file or PostgreSQL DSN (a fresh database)")
	fs.IntVar(&tc.Workers, "concurrency", 256, "throughput: concurrent change requests")
	movers := fs.Int("movers", 200, "provision: agents whose status changes (-rate per second) during provisioning")
	sc := AgentSyncConfig{}
	fs.StringVar(&sc.EmulatorURL, "emulator", "", "agentsync: base URL of `presence-hub emulate http`")
	fs.StringVar(&sc.EmulatorToken, "emulator-token", "punch-clock-demo-token", "agentsync: the emulator's api_token")
	fs.IntVar(&sc.RatePerMinute, "sync-rate", 6000, "agentsync: the connection's requests per minute (within the emulator's limit)")
	cent := Centrifugo{}
	fs.StringVar(&cent.URL, "centrifugo", "", "idle, fanout, reconnect: drive this Centrifugo v6 server (e.g. http://127.0.0.1:18100) instead of the hub; -hub-pid is then its process")
	fs.StringVar(&cent.APIKey, "centrifugo-api-key", "", "Centrifugo's http_api.key")
	fs.StringVar(&cent.Secret, "centrifugo-secret", "", "Centrifugo's client.token.hmac_secret_key (connection tokens are signed with it)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *via != "stream" && *via != "rest" {
		fmt.Fprintf(stderr, "presence-load: -via %q: want stream or rest\n", *via)
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
	if *mode == "throughput" {
		tc.Agents, tc.Duration = cfg.Agents, *dur
		if err := Throughput(ctx, tc, stdout); err != nil {
			fmt.Fprintln(stderr, "presence-load:", err)
			return 1
		}
		return 0
	}
	if *mode == "provision" {
		if err := Provisioning(ctx, cfg, ProvisionOptions{Rate: *rate, Movers: *movers}, stdout); err != nil {
			fmt.Fprintln(stderr, "presence-load:", err)
			return 1
		}
		return 0
	}
	cfg.Sources = Sources(*first, *last)
	if cent.URL != "" {
		var err error
		switch *mode {
		case "idle":
			err = CentrifugoIdle(ctx, cent, cfg, *settle, stdout)
		case "fanout":
			err = CentrifugoFanout(ctx, cent, cfg, FanoutOptions{Rate: *rate, Duration: *dur}, stdout)
		case "reconnect":
			err = CentrifugoReconnect(ctx, cent, cfg, *settle, stdout)
		default:
			err = fmt.Errorf("mode %q has no Centrifugo adapter (idle, fanout, reconnect)", *mode)
		}
		if err != nil {
			fmt.Fprintln(stderr, "presence-load:", err)
			return 1
		}
		return 0
	}
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
		err = Fanout(ctx, cfg, f, FanoutOptions{Rate: *rate, Duration: *dur, REST: *via == "rest"}, stdout)
	case "slow":
		err = Fanout(ctx, cfg, f, FanoutOptions{Rate: *rate, Duration: *dur, Stalled: *stalled}, stdout)
	case "flap":
		err = Fanout(ctx, cfg, f, FanoutOptions{Rate: *rate, Duration: *dur, FlapRate: *flapRate}, stdout)
	case "reconnect":
		err = Reconnect(ctx, cfg, f, *settle, stdout)
	case "soak":
		err = Soak(ctx, cfg, f, *rate, *churn, *dur, *sample, stdout)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(stderr, "presence-load:", err)
		return 1
	}
	return 0
}
