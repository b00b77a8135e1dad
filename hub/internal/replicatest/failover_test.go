package replicatest

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to read pg_stat_activity

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/testenv"
	"presencehub.dev/shared/testwait"
)

const bootstrapKey = "phk_replicas_bootstrap_key_0123456789"

// Statuses the test cycles through, and the Zendesk state each is written as (and read from).
var (
	cycle    = []string{"available", "busy", "lunch", "offline"}
	outbound = map[string]string{"available": "online", "busy": "transfers_only", "lunch": "away", "offline": "offline"}
)

// change is a status change a replica acknowledged: the agent's presence version and status after it.
type change struct {
	version int64
	status  string
}

// cluster is three replicas and what the test set up on them.
type cluster struct {
	reps   []*replica
	tenant string
	conn   string
	agents []string
	users  []string // zendesk user per agent
	tokens []string // device token per agent
	em     *zendeskemu.Emulator
}

// api returns a client of replica i (the hubtest helpers against a running process).
func (c *cluster) api(i int) *hubtest.Hub {
	return &hubtest.Hub{URL: c.reps[i].url, AdminKey: bootstrapKey}
}

// alive returns the replicas not killed, starting after i.
func (c *cluster) alive(i int) []int {
	var out []int
	for k := range len(c.reps) {
		j := (i + k) % len(c.reps)
		if !c.reps[j].dead {
			out = append(out, j)
		}
	}
	return out
}

// TestReplicasFailover runs three presence-hub processes on one PostgreSQL database and one NATS, with a
// Zendesk emulator connected both ways and a tray per agent spread over the replicas. Agents change
// status through every replica (REST and trays) while the leader — the replica running the outbox — is
// killed with SIGKILL. Afterwards: every acknowledged change is in the final presence and the timeline,
// every tray (those of the dead replica after reconnecting to a survivor) shows the hub's status, the
// outbox carried on under a new leader so Zendesk shows every agent's final status, each write reached
// Zendesk once (a write cut mid-send by the kill may be sent again, at most once), and no two replicas
// ever led at once.
func TestReplicasFailover(t *testing.T) {
	dsn := testenv.Postgres(t)
	natsURL := testenv.NATS(t)
	bin := hubBinary(t)
	c := startCluster(t, bin, dsn, natsURL)

	var leaders sync.Map // replica name -> true, for every replica seen leading
	stopSampling := sampleLeaders(t, c, &leaders)
	leader := waitLeader(t, c, -1)
	hook := c.alive(leader + 1)[0] // Zendesk notifies a replica that is not the leader
	setUp(t, c, hook)
	conns := pgConnections(t, dsn)
	t.Logf("3 replicas up, %s leads; PostgreSQL sessions: %v", c.reps[leader].name, conns)

	trays := make([]*tray, len(c.agents))
	for i, tok := range c.tokens {
		home := i % len(c.reps)
		var urls []string
		for _, j := range c.alive(home) {
			urls = append(urls, c.reps[j].url)
		}
		trays[i] = startTray(t, tok, home, urls)
	}
	testwait.Within(t, 20*time.Second, "every tray connected", func() bool {
		for _, tr := range trays {
			if _, v := tr.seen(); v == 0 {
				return false
			}
		}
		return true
	})

	// Agents change status through every replica; after a third of the changes the leader is killed.
	// Half the agents then wait for the next leader, so the writes the dead one was sending for them are
	// still pending when it takes over (the others' are superseded by newer changes meanwhile).
	const perAgent = 12
	killedCh, ledCh := make(chan struct{}), make(chan struct{})
	total := len(c.agents) * perAgent
	var made atomic.Int32
	changes := make([][]change, len(c.agents))
	var wg sync.WaitGroup
	var mu sync.Mutex // guards c.reps[*].dead against the workers
	for i := range c.agents {
		wg.Go(func() {
			for k := range perAgent {
				status := cycle[(i+k)%len(cycle)]
				var ch change
				var err error
				if k%4 == 3 {
					ch, err = traySet(trays[i], status)
				}
				if k%4 != 3 || err != nil {
					mu.Lock()
					targets := c.alive(i + k)
					mu.Unlock()
					ch, err = restSet(c, targets, c.agents[i], status)
				}
				if err != nil {
					t.Errorf("agent %d: setting %s: %v", i, status, err)
					return
				}
				changes[i] = append(changes[i], ch)
				made.Add(1)
				time.Sleep(time.Duration(100+rand.IntN(200)) * time.Millisecond) // paces the agents' changes: not a wait
				if i%2 == 1 {
					select {
					case <-killedCh:
						<-ledCh
					default:
					}
				}
			}
		})
	}
	testwait.Within(t, 60*time.Second, "a third of the changes made", func() bool { return int(made.Load()) >= total/3 })
	mu.Lock()
	c.reps[leader].kill(t)
	mu.Unlock()
	killed, before := time.Now(), made.Load()
	close(killedCh)
	next := waitLeader(t, c, leader)
	failover := time.Since(killed)
	close(ledCh)
	t.Logf("killed %s (the leader) after %d of %d changes; %s leads %s later", c.reps[leader].name, before, total,
		c.reps[next].name, failover.Round(time.Millisecond))
	wg.Wait()
	if t.Failed() {
		return
	}

	// Every acknowledged change is in the presence and the timeline; trays and Zendesk follow.
	api := c.api(next)
	final := map[int]change{}
	for i := range c.agents {
		final[i] = changes[i][len(changes[i])-1]
	}
	testwait.Within(t, 30*time.Second, "hub, trays and Zendesk agree on every agent's final status", func() bool {
		for i, want := range final {
			p := api.Must(t, http.StatusOK, bootstrapKey, "GET", c.path("/agents/"+c.agents[i]+"/presence"), nil)["presence"].(map[string]any)
			if p["status"] != want.status {
				return false
			}
			if st, v := trays[i].seen(); st != want.status || v != num(p["version"]) {
				return false
			}
			if got, _ := c.em.State(c.users[i]); got != outbound[want.status] {
				return false
			}
		}
		return true
	})
	for i := range c.agents {
		p := api.Must(t, http.StatusOK, bootstrapKey, "GET", c.path("/agents/"+c.agents[i]+"/presence"), nil)["presence"].(map[string]any)
		if v := num(p["version"]); v != final[i].version {
			t.Errorf("agent %d at version %d, but the last acknowledged change made version %d: something changed it since", i, v, final[i].version)
		}
		applied := timeline(t, c, api, i)
		for _, ch := range changes[i] {
			if applied[ch.version] != ch.status {
				t.Errorf("agent %d: acknowledged v%d %s, timeline has %q", i, ch.version, ch.status, applied[ch.version])
			}
		}
	}
	moved := 0
	for i, tr := range trays {
		if tr.home == leader {
			moved++
			if tr.snapshotsAfter(killed) == 0 {
				t.Errorf("tray %d of the killed replica got no fresh snapshot from a survivor", i)
			}
		}
	}

	// The outbox carried on: nothing pending, each delivered write reached Zendesk, and Zendesk got no
	// more than that, apart from the writes being sent when a newer change superseded them (sent once,
	// never marked delivered) and the ones the dead leader was sending when killed (maybe sent twice).
	testwait.Within(t, 30*time.Second, "no write pending", func() bool {
		h := api.Must(t, http.StatusOK, bootstrapKey, "GET", c.path("/connections/"+c.conn), nil)["connection"].(map[string]any)["health"].(map[string]any)
		return h["pending_writes"] == nil || h["pending_writes"] == "0"
	})
	delivered := deliveredWrites(t, c, api)
	received := zendeskPuts(c)
	takenOver := 0
	for _, j := range c.alive(0) {
		takenOver += c.reps[j].logCount(t, "took over the writes a stopped replica was sending")
	}
	inFlightSuperseded := sentButSuperseded(t, dsn)
	extra, sent := 0, 0
	for i, user := range c.users {
		sent += delivered[user]
		if received[user] < delivered[user] {
			t.Errorf("agent %d: %d writes delivered, Zendesk accepted %d", i, delivered[user], received[user])
		}
		extra += received[user] - delivered[user]
	}
	if extra > takenOver+inFlightSuperseded {
		t.Errorf("Zendesk accepted %d writes more than were delivered; only the %d superseded in flight and the %d the dead leader was sending may be extra",
			extra, inFlightSuperseded, takenOver)
	}
	stopSampling()
	var led []string
	leaders.Range(func(k, _ any) bool { led = append(led, k.(string)); return true })
	t.Logf("%d changes acknowledged (%d via trays, the rest via REST on every replica); %d trays moved from the killed replica",
		total, total/4, moved)
	t.Logf("failover %s; %d writes delivered; %d writes Zendesk got beyond those: %d superseded while being sent (the dead leader's included), %d taken over from the dead leader; replicas that led: %v",
		failover.Round(time.Millisecond), sent, extra, inFlightSuperseded, takenOver, led)
	t.Logf("PostgreSQL sessions after the kill: %v", pgConnections(t, dsn))
}

// startCluster writes a config with fast retries and starts three replicas sharing dsn and NATS.
func startCluster(t *testing.T, bin, dsn, natsURL string) *cluster {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "hub.yaml")
	yaml := "sync:\n  min_backoff: 50ms\n  max_backoff: 500ms\n  drift_interval: 0s\n  poll_interval: 1s\noutbound:\n  allow: [127.0.0.1]\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"PRESENCE_HUB_DB_DRIVER=postgres", "PRESENCE_HUB_DB_DSN=" + dsn, "PRESENCE_HUB_BUS_DRIVER=nats",
		"PRESENCE_HUB_BUS_NATS_URL=" + natsURL, "PRESENCE_HUB_BUS_ENVIRONMENT=" + randomHex(6), "PRESENCE_HUB_SEAL_KEY=" + randomHex(32),
		"PRESENCE_HUB_BOOTSTRAP_KEY=" + bootstrapKey, "PRESENCE_HUB_LOG_LEVEL=debug", "PRESENCE_HUB_DB_MAX_CONNS=8"}
	c := &cluster{}
	for _, name := range []string{"a", "b", "c"} {
		c.reps = append(c.reps, startReplica(t, bin, name, []string{"--config", cfg}, env))
	}
	return c
}

// setUp creates a tenant with a catalog, a Zendesk connection mapped both ways whose webhooks go to
// replica hook, and twelve agents linked to Zendesk users, each with a paired device; every agent then
// changes status inside Zendesk, which the hub follows.
func setUp(t *testing.T, c *cluster, hook int) {
	t.Helper()
	api := c.api(0)
	c.tenant = api.Must(t, http.StatusOK, bootstrapKey, "POST", "/v1/tenants",
		map[string]any{"name": "acme", "settings": map[string]any{"max_changes_per_minute": 6000}})["tenant"].(map[string]any)["id"].(string)
	kinds := map[string]string{"available": "available", "busy": "busy", "lunch": "away", "offline": "offline"}
	for i, name := range cycle {
		api.Must(t, http.StatusOK, bootstrapKey, "POST", c.path("/statuses"), map[string]any{"name": name, "kind": kinds[name], "order": i})
	}
	c.em = zendeskemu.New(zendeskemu.Options{})
	srv := httptest.NewServer(slowWrites(c.em))
	t.Cleanup(srv.Close)
	t.Cleanup(c.em.Close)
	settings := maps.Clone(c.em.Settings())
	settings["rate_limit_per_minute"] = "60000"
	c.conn = api.Must(t, http.StatusOK, bootstrapKey, "POST", c.path("/connections"), map[string]any{"name": "zendesk", "vendor": "zendesk",
		"base_url": srv.URL, "settings": settings, "credentials": c.em.Credentials()})["connection"].(map[string]any)["id"].(string)
	var in, out []map[string]string
	for status, state := range outbound {
		in = append(in, map[string]string{"vendor_state": state, "status": status})
		out = append(out, map[string]string{"status": status, "vendor_state": state})
	}
	api.Must(t, http.StatusOK, bootstrapKey, "POST", c.path("/rules"), map[string]any{"name": "zendesk both ways", "connection_id": c.conn,
		"inbound": in, "outbound": out})
	c.em.AddWebhook(c.reps[hook].url + "/v1/webhooks/" + c.conn)
	for i := range 12 {
		email := fmt.Sprintf("agent%d@acme.example", i)
		user := c.em.AddUser(email, email)
		id := api.Must(t, http.StatusOK, bootstrapKey, "POST", c.path("/agents"), map[string]any{"email": email,
			"identities": []map[string]any{{"connection_id": c.conn, "external_id": user}}})["agent"].(map[string]any)["id"].(string)
		tok, _ := c.api(i%len(c.reps)).Pair(t, bootstrapKey, c.tenant, id, false)
		c.agents, c.users, c.tokens = append(c.agents, id), append(c.users, user), append(c.tokens, tok)
	}
	for _, user := range c.users {
		if err := c.em.Change(user, "away"); err != nil {
			t.Fatal(err)
		}
	}
	testwait.Within(t, 20*time.Second, "Zendesk changes reach the hub", func() bool {
		for _, id := range c.agents {
			p := api.Must(t, http.StatusOK, bootstrapKey, "GET", c.path("/agents/"+id+"/presence"), nil)["presence"].(map[string]any)
			if p["status"] != "lunch" {
				return false
			}
		}
		return true
	})
}

// slowWrites makes each status write take 100 ms, as a distant vendor's would, so that the leader is
// killed with writes on their way (which the vendor then still applies).
func slowWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			time.Sleep(100 * time.Millisecond) // a slow vendor server: not a test wait
		}
		next.ServeHTTP(w, r)
	})
}

func (c *cluster) path(p string) string { return "/v1/tenants/" + c.tenant + p }

// restSet sets an agent's status through the first replica of targets that answers.
func restSet(c *cluster, targets []int, agent, status string) (change, error) {
	var last error
	for _, j := range targets {
		var resp struct {
			Presence struct {
				Status  string `json:"status"`
				Version string `json:"version"`
			} `json:"presence"`
		}
		if last = put(c.reps[j].url+c.path("/agents/"+agent+"/presence"), map[string]string{"status": status}, &resp); last != nil {
			last = fmt.Errorf("replica %s: %w", c.reps[j].name, last)
			continue // dead, or died while answering: the next replica gets the same request
		}
		return change{version: num(resp.Presence.Version), status: resp.Presence.Status}, nil
	}
	return change{}, last
}

// put sends body as JSON and decodes a 200 answer into out.
func put(url string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+bootstrapKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	return json.Unmarshal(data, out)
}

// traySet sets the agent's status from its tray (waiting through a reconnect if need be).
func traySet(tr *tray, status string) (change, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ack, err := tr.c.SetStatus(ctx, status)
	if err != nil {
		return change{}, err
	}
	if o := ack.GetOutcome(); o != "applied" && o != "unchanged" {
		return change{}, fmt.Errorf("outcome %s", o)
	}
	return change{version: ack.GetVersion(), status: status}, nil
}

// waitLeader waits until exactly one replica other than not leads, and returns it.
func waitLeader(t *testing.T, c *cluster, not int) int {
	t.Helper()
	found := -1
	testwait.Within(t, 30*time.Second, "a leader", func() bool {
		found = -1
		for _, j := range c.alive(0) {
			if ok, _, err := c.reps[j].leading(); err == nil && ok && j != not {
				if found >= 0 {
					return false
				}
				found = j
			}
		}
		return found >= 0
	})
	return found
}

// sampleLeaders checks every 100 ms that at most one replica leads, recording who did.
func sampleLeaders(t *testing.T, c *cluster, seen *sync.Map) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			var now []string
			for _, r := range c.reps {
				if ok, _, err := r.leading(); err == nil && ok {
					now = append(now, r.name)
					seen.Store(r.name, true)
				}
			}
			if len(now) > 1 {
				t.Errorf("replicas %v lead at once", now)
			}
		}
	}()
	return func() { close(done); <-finished }
}

// timeline returns the statuses of an agent's applied timeline entries by version.
func timeline(t *testing.T, c *cluster, api *hubtest.Hub, i int) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for _, e := range api.Must(t, http.StatusOK, bootstrapKey, "GET", c.path("/agents/"+c.agents[i]+"/timeline?page_size=500"), nil)["entries"].([]any) {
		e := e.(map[string]any)
		if e["outcome"] == "applied" {
			out[num(e["version"])] = e["status"].(string)
		}
	}
	return out
}

// deliveredWrites counts the delivered outbox writes per Zendesk user.
func deliveredWrites(t *testing.T, c *cluster, api *hubtest.Hub) map[string]int {
	t.Helper()
	out := map[string]int{}
	for token := ""; ; {
		resp := api.Must(t, http.StatusOK, bootstrapKey, "GET", c.path("/connections/"+c.conn+"/writes?state=delivered&page_size=500&page_token="+token), nil)
		ws, _ := resp["writes"].([]any)
		for _, w := range ws {
			out[w.(map[string]any)["external_id"].(string)]++
		}
		if token, _ = resp["next_page_token"].(string); token == "" {
			return out
		}
	}
}

// zendeskPuts counts the status writes Zendesk accepted per user.
func zendeskPuts(c *cluster) map[string]int {
	out := map[string]int{}
	for _, call := range c.em.Calls() {
		if call.Method == http.MethodPut && call.Status < 300 {
			out[call.Path[strings.LastIndex(call.Path, "/")+1:]]++
		}
	}
	return out
}

// sentButSuperseded counts the writes a newer change superseded while they were on their way: they
// may have reached the vendor without being marked delivered, and their attempt is recorded (answered,
// or a stopped replica's claim released).
func sentButSuperseded(t *testing.T, dsn string) (n int) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("SELECT COUNT(*) FROM outbox WHERE state = 'superseded' AND attempts > 0").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pgConnections counts the sessions on the test database by application name.
func pgConnections(t *testing.T, dsn string) map[string]int {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT application_name, COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var app string
		var n int
		if err := rows.Scan(&app, &n); err != nil {
			t.Fatal(err)
		}
		out[app] = n
	}
	return out
}

// num reads an int64 the REST API renders as a string.
func num(v any) int64 {
	s, _ := v.(string)
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}
