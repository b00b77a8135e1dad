package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"presencehub.dev/hub/internal/emulator/punchclockemu"
)

// AgentSyncConfig describes agent sync runs against a punch-clock emulator (presence-hub emulate http).
type AgentSyncConfig struct {
	HubURL, Key   string
	HubPID        int
	EmulatorURL   string
	EmulatorToken string
	// RatePerMinute paces the connection (its rate_limit_per_minute); keep it within the emulator's.
	RatePerMinute int
}

type syncRun struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Error  string `json:"error"`
	Pages  string `json:"pages"`
	Report map[string]any
}

// count reads a report counter (int64s come as JSON strings; absent is 0).
func (r syncRun) count(key string) string {
	if v, ok := r.Report[key]; ok {
		return fmt.Sprint(v)
	}
	return "0"
}

// AgentSync provisions a tenant with a generic HTTP connection to the emulator that creates missing
// agents, then syncs twice: the first run creates and links an agent per vendor user, the second finds
// them all linked. It reads the hub's RSS every second and writes one line per run to out.
func AgentSync(ctx context.Context, cfg AgentSyncConfig, out, progress io.Writer) error {
	c := &client{url: cfg.HubURL, key: cfg.Key, http: &http.Client{Timeout: 30 * time.Second}}
	var t struct{ Tenant struct{ ID string } }
	if err := c.do(ctx, "POST", "/v1/tenants", map[string]any{"name": fmt.Sprintf("sync-%d", time.Now().UnixNano())}, &t); err != nil {
		return fmt.Errorf("creating tenant: %w", err)
	}
	base := "/v1/tenants/" + t.Tenant.ID
	var conn struct{ Connection struct{ ID string } }
	if err := c.do(ctx, "POST", base+"/connections", map[string]any{
		"name": "punch-clock", "vendor": "http", "base_url": cfg.EmulatorURL,
		"credentials":    map[string]string{"api_token": cfg.EmulatorToken},
		"settings":       map[string]string{"rate_limit_per_minute": strconv.Itoa(cfg.RatePerMinute), "agent_sync_create_missing": "true"},
		"http_connector": json.RawMessage(punchclockemu.ConnectorSpec(false)),
	}, &conn); err != nil {
		return fmt.Errorf("creating the connection: %w", err)
	}
	runs := base + "/connections/" + conn.Connection.ID + "/sync-runs"
	for _, name := range []string{"create", "resync"} {
		if err := syncOnce(ctx, c, cfg.HubPID, runs, name, out, progress); err != nil {
			return err
		}
	}
	var health struct {
		Connection struct {
			Health struct {
				ErrorCount string `json:"error_count"`
			}
		}
	}
	if err := c.do(ctx, "GET", base+"/connections/"+conn.Connection.ID, nil, &health); err != nil {
		return err
	}
	fmt.Fprintf(out, "agentsync vendor_errors=%s (429s and failures over both runs)\n", health.Connection.Health.ErrorCount)
	return nil
}

// syncOnce starts a run, follows it to its end and reports it.
func syncOnce(ctx context.Context, c *client, pid int, runs, name string, out, progress io.Writer) error {
	var started struct {
		SyncRun syncRun `json:"sync_run"`
	}
	rssStart, _, _ := procStats(pid)
	begin := time.Now()
	if err := c.do(ctx, "POST", runs, map[string]any{}, &started); err != nil {
		return fmt.Errorf("starting the run: %w", err)
	}
	var samples []int64 // RSS (KB) once a second
	var r syncRun
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
		var got struct {
			SyncRun syncRun `json:"sync_run"`
		}
		if err := c.do(ctx, "GET", runs+"/"+started.SyncRun.ID, nil, &got); err != nil {
			return err
		}
		r = got.SyncRun
		rss, _, _ := procStats(pid)
		samples = append(samples, rss)
		fmt.Fprintf(progress, "%s: %s pages, %s users, rss %d MB\n", name, r.Pages, r.count("users"), rss/1024)
		if r.State != "running" {
			break
		}
	}
	elapsed := time.Since(begin)
	if r.State != "succeeded" {
		return fmt.Errorf("run %s ended %s: %s", r.ID, r.State, r.Error)
	}
	users, _ := strconv.ParseFloat(r.count("users"), 64)
	maxRSS := rssStart
	for _, s := range samples {
		maxRSS = max(maxRSS, s)
	}
	fmt.Fprintf(out, "agentsync run=%s users=%s pages=%s time=%.1fs users/s=%.0f created=%s linked=%s unchanged=%s rss_before=%dMB rss_max=%dMB rss_quartiles=%s vm_hwm=%dMB\n",
		name, r.count("users"), r.Pages, elapsed.Seconds(), users/elapsed.Seconds(), r.count("created"), r.count("linked"),
		r.count("unchanged"), rssStart/1024, maxRSS/1024, quartiles(samples), peakRSS(pid)/1024)
	return nil
}

// quartiles renders the RSS samples at 25, 50, 75 and 100% of the run, in MB.
func quartiles(samples []int64) string {
	if len(samples) == 0 {
		return "-"
	}
	out := ""
	for i, q := range []int{1, 2, 3, 4} {
		if i > 0 {
			out += "/"
		}
		out += strconv.FormatInt(samples[max(0, len(samples)*q/4-1)]/1024, 10)
	}
	return out
}
