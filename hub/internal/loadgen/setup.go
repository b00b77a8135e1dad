// Package loadgen drives a running hub the way many trays and supervisors would: it provisions a tenant
// over REST, pairs devices, opens websocket streams from many loopback source addresses, and drives
// status changes at a scheduled rate while measuring delivery latency and the hub's memory and CPU. Its
// agentsync mode instead syncs a punch-clock emulator's users into a fresh connection (time, RSS).
// With -centrifugo, its idle and fanout modes drive a Centrifugo v6 server with the same shapes
// instead (centrifugo.go), for the side-by-side figures of `scripts/bench compare`.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Config describes one run.
type Config struct {
	HubURL   string
	Key      string // hub-wide admin key
	Agents   int
	TeamSize int
	// Supervisors is how many supervisor streams watch each team in fanout.
	Supervisors int
	Sources     []string // local source addresses to spread connections over
	HubPID      int      // the hub process, for RSS and CPU readings (0: none)
	// MaxChangesPerMinute is the tenant's per-agent flap limit.
	MaxChangesPerMinute int
	Workers             int
}

// Fleet is a provisioned tenant: agents with paired device tokens, teams and a viewer key.
type Fleet struct {
	TenantID  string
	Teams     []string
	Agents    []string
	Tokens    []string // device token per agent
	ViewerKey string
	// AgentsTook is how long creating and pairing the agents took (cfg.Workers at once).
	AgentsTook time.Duration
}

type client struct {
	url, key string
	http     *http.Client
}

func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Provision creates a tenant with cfg.Agents agents in teams of cfg.TeamSize, and pairs a device for each.
func Provision(ctx context.Context, cfg Config) (*Fleet, error) {
	c := &client{url: cfg.HubURL, key: cfg.Key, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	f := &Fleet{}
	var t struct{ Tenant struct{ ID string } }
	name := fmt.Sprintf("load-%d", time.Now().UnixNano())
	if err := c.do(ctx, "POST", "/v1/tenants", map[string]any{"name": name, "settings": map[string]any{"max_changes_per_minute": cfg.MaxChangesPerMinute}}, &t); err != nil {
		return nil, fmt.Errorf("creating tenant: %w", err)
	}
	f.TenantID = t.Tenant.ID
	base := "/v1/tenants/" + f.TenantID
	for _, st := range []string{"available", "busy"} {
		if err := c.do(ctx, "POST", base+"/statuses", map[string]any{"name": st, "kind": st}, nil); err != nil {
			return nil, err
		}
	}
	for i := 0; i < (cfg.Agents+cfg.TeamSize-1)/cfg.TeamSize; i++ {
		var tm struct{ Team struct{ ID string } }
		if err := c.do(ctx, "POST", base+"/teams", map[string]any{"name": fmt.Sprintf("team-%d", i)}, &tm); err != nil {
			return nil, err
		}
		f.Teams = append(f.Teams, tm.Team.ID)
	}
	var k struct{ Secret string }
	if err := c.do(ctx, "POST", base+"/api-keys", map[string]any{"name": "load-viewer", "role": "viewer"}, &k); err != nil {
		return nil, err
	}
	f.ViewerKey = k.Secret
	f.Agents, f.Tokens = make([]string, cfg.Agents), make([]string, cfg.Agents)
	start := time.Now()
	defer func() { f.AgentsTook = time.Since(start) }()
	err := parallel(ctx, cfg.Agents, max(1, cfg.Workers), func(i int) error {
		var a struct{ Agent struct{ ID string } }
		if err := c.do(ctx, "POST", base+"/agents", map[string]any{"email": fmt.Sprintf("a%d@load.example", i), "team_ids": []string{f.Teams[i/cfg.TeamSize]}}, &a); err != nil {
			return err
		}
		var pc struct {
			PairingCode struct{ Code string } `json:"pairing_code"`
		}
		if err := c.do(ctx, "POST", base+"/agents/"+a.Agent.ID+"/pairing-codes", map[string]any{}, &pc); err != nil {
			return err
		}
		var p struct {
			DeviceToken string `json:"device_token"`
		}
		anon := &client{url: c.url, http: c.http}
		if err := anon.do(ctx, "POST", "/v1/pair", map[string]any{"code": pc.PairingCode.Code, "device_name": "load"}, &p); err != nil {
			return err
		}
		f.Agents[i], f.Tokens[i] = a.Agent.ID, p.DeviceToken
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("provisioning agents: %w", err)
	}
	return f, nil
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(ctx context.Context, n, workers int, fn func(i int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
