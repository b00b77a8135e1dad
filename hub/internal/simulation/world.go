package simulation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/emulator/cxoneemu"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/emulator/punchclockemu"
	"presencehub.dev/hub/internal/emulator/salesforceemu"
	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/ruletemplate"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi/genesys"
	"presencehub.dev/hub/internal/vendorapi/teams"
)

// World is one seed's universe: the vendors (emulators behind their faults), the hub (restarted at
// will on the same SQLite file), the webhooks in flight, and everything the checkers need to know
// about who did what.
type World struct {
	seed uint64
	rng  *rand.Rand
	// xrng draws what concerns the vendors added after the long runs (Teams, Genesys Cloud): a stream
	// of its own, so a seed that draws none of them replays exactly as it always did.
	xrng   *rand.Rand
	name   string // "<n>.sim" host suffix
	dbPath string
	sealer *seal.Sealer
	start  time.Time
	trace  *trace

	tenant   string
	catalog  map[string]*model.Status
	settable []string
	statuses []string
	vendors  map[string]*vendorHost
	order    []string          // vendor names, in setup order
	core     []string          // the vendors w.rng picks from (order, less extra)
	extra    []string          // the vendors of an extension template, which w.xrng picks from
	conns    map[string]string // vendor → connection id
	rules    map[string]*model.Rule
	agents   []*agent

	hub     *hub
	hubGen  atomic.Int64
	webhook webhooks

	// What the checkers need.
	acks       []ack
	vendorAcks []ack                     // vendor changes a webhook delivered and the hub took (applied, queued or held)
	polledAcks []ack                     // vendor changes a poll read and the hub took (the hub's goroutines add them)
	pmu        sync.Mutex                // guards polledAcks
	person     map[string][]personChange // connection|external id → the person's changes, oldest first
	violations []violation
	vmu        sync.Mutex
	drifts     []*window
	lastPoll   time.Time
	lastDrift  time.Time
}

// agent is one simulated agent: the hub's agent and its user in every vendor.
type agent struct {
	id    string
	email string
	users map[string]string // vendor → external id
}

var worldSeq atomic.Int64

// newWorld builds the tenant, vendors and agents of a seed, and starts the first hub.
func newWorld(seed uint64, dir string) (*World, error) {
	install()
	w := &World{seed: seed, rng: rand.New(rand.NewPCG(seed, 0x5eed)), xrng: rand.New(rand.NewPCG(seed, 0x7ea35)), name: fmt.Sprintf("w%d%s", worldSeq.Add(1), simDomain),
		dbPath: filepath.Join(dir, "hub.db"), start: time.Now(), vendors: map[string]*vendorHost{}, conns: map[string]string{},
		rules: map[string]*model.Rule{}, catalog: map[string]*model.Status{}, person: map[string][]personChange{}}
	w.trace = &trace{w: w}
	w.webhook.w = w
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(w.rng.IntN(256))
	}
	var err error
	if w.sealer, err = seal.New(key); err != nil {
		return nil, fmt.Errorf("sealer: %w", err)
	}
	worlds.Store(w.name, w)
	ctx := context.Background()
	if err := emptyDatabase(w.dbPath); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, "sqlite", w.dbPath)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	if err := w.setup(ctx, st); err != nil {
		_ = st.Close()
		return nil, err
	}
	w.hub, err = openHub(w, 1, st)
	w.hubGen.Store(1)
	return w, err
}

func (w *World) gen() int { return int(w.hubGen.Load()) }

// at renders a virtual instant as the time since the seed began.
func (w *World) at(t time.Time) string { return fmt.Sprintf("+%.1fs", t.Sub(w.start).Seconds()) }

// demoCatalog is the demo's catalog: five statuses agents pick, two system states.
var demoCatalog = []model.Status{
	{Name: "available", DisplayName: "Available", Kind: model.KindAvailable},
	{Name: "busy", DisplayName: "Busy", Kind: model.KindBusy},
	{Name: "lunch", DisplayName: "Lunch", Kind: model.KindAway},
	{Name: "break", DisplayName: "Break", Kind: model.KindAway},
	{Name: "offline", DisplayName: "Offline", Kind: model.KindOffline},
	{Name: "on-call", DisplayName: "On a call", Kind: model.KindSystem, SystemRole: model.SystemOnCall},
	{Name: "after-call-work", DisplayName: "After call work", Kind: model.KindSystem, SystemRole: model.SystemAfterCallWork},
}

// setup draws the seed's configuration: which vendor pairs (rule templates, each in a random
// direction), the punch clock or not, two or three agents, the tenant's system-state policy and rate.
func (w *World) setup(ctx context.Context, st *store.DB) error {
	t := &model.Tenant{ID: ids.New(ids.Tenant), Name: "sim", Settings: model.TenantSettings{DefaultUnavailableStatus: "busy",
		SystemStatePolicy: pick(w.rng, "queue", "refuse"), MaxChangesPerMinute: int32(pick(w.rng, 0, 6, 12))}}
	if err := st.CreateTenant(ctx, t); err != nil {
		return fmt.Errorf("tenant: %w", err)
	}
	w.tenant = t.ID
	var statuses []*model.Status
	for i, s := range demoCatalog {
		s.ID, s.TenantID, s.Order, s.AgentSettable = ids.New(ids.Status), t.ID, int32(i), s.Kind != model.KindSystem
		if err := st.CreateStatus(ctx, &s); err != nil {
			return fmt.Errorf("status: %w", err)
		}
		statuses = append(statuses, &s)
		w.catalog[s.Name] = &s
		w.statuses = append(w.statuses, s.Name)
		if s.AgentSettable {
			w.settable = append(w.settable, s.Name)
		}
	}
	team := &model.Team{ID: ids.New(ids.Team), TenantID: t.ID, Name: "support"}
	if err := st.CreateTeam(ctx, team); err != nil {
		return fmt.Errorf("team: %w", err)
	}
	var templates []*ruletemplate.Template
	for _, tpl := range simulated() {
		if w.rng.IntN(10) < 6 {
			templates = append(templates, tpl)
		}
	}
	if len(templates) == 0 {
		templates = append(templates, pick(w.rng, simulated()...))
	}
	for _, tpl := range templates {
		for _, v := range tpl.Vendors {
			if err := w.connect(ctx, st, v); err != nil {
				return err
			}
		}
	}
	if w.rng.IntN(10) < 3 {
		if err := w.connect(ctx, st, "http"); err != nil {
			return err
		}
	}
	w.core = slices.Clone(w.order)
	ext, err := w.extension(ctx, st)
	if err != nil {
		return err
	}
	w.extra = slices.Clone(w.order[len(w.core):])
	for i := range 2 + w.rng.IntN(2) {
		a := &agent{email: fmt.Sprintf("agent%d@sim.example", i), users: map[string]string{}}
		m := &model.Agent{ID: ids.New(ids.Agent), TenantID: t.ID, Email: a.email, DisplayName: fmt.Sprintf("Agent %d", i), TeamIDs: []string{team.ID}}
		for _, v := range w.order {
			a.users[v] = w.vendors[v].em.AddUser(a.email, m.DisplayName)
			m.Identities = append(m.Identities, model.Identity{ConnectionID: w.conns[v], ExternalID: a.users[v]})
		}
		if err := st.CreateAgent(ctx, m); err != nil {
			return fmt.Errorf("agent: %w", err)
		}
		a.id = m.ID
		w.agents = append(w.agents, a)
	}
	var rules []*model.Rule
	var desc []string
	for _, tpl := range templates {
		dir := pick(w.rng, tpl.Directions...)
		made, err := tpl.Rules(statuses, dir, w.conns)
		if err != nil {
			return fmt.Errorf("template %s: %w", tpl.Name, err)
		}
		rules = append(rules, made...)
		desc = append(desc, tpl.Name+"/"+dir)
	}
	for _, tpl := range ext {
		dir := pick(w.xrng, tpl.Directions...)
		made, err := tpl.Rules(statuses, dir, w.conns)
		if err != nil {
			return fmt.Errorf("template %s: %w", tpl.Name, err)
		}
		rules = append(rules, made...)
		desc = append(desc, tpl.Name+"/"+dir)
	}
	if c := w.conns["http"]; c != "" {
		rules = append(rules, &model.Rule{Name: "punch-clock", ConnectionID: c,
			Outbound: []model.OutboundMapping{{Status: "available", VendorState: "in"}, {Status: "offline", VendorState: "out"}}})
		desc = append(desc, "punch-clock/out")
	}
	for _, r := range rules {
		r.ID, r.TenantID = ids.New(ids.Rule), t.ID
		if r.TeamIDs == nil {
			r.TeamIDs, r.AgentIDs = []string{}, []string{}
		}
		w.rules[r.ConnectionID] = r
	}
	if err := st.CreateRules(ctx, rules); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	w.trace.add("setup: %d agents, rules %s, policy %s, max %d changes/min", len(w.agents), strings.Join(desc, " "),
		t.Settings.SystemStatePolicy, t.Settings.MaxChangesPerMinute)
	return nil
}

// simulated are the rule templates w.rng draws from: those of the vendors the long runs covered.
func simulated() []*ruletemplate.Template {
	return slices.DeleteFunc(ruletemplate.All(), extended)
}

// extended reports whether a template involves a vendor added after the long runs (Teams, Genesys
// Cloud); w.xrng draws those.
func extended(t *ruletemplate.Template) bool {
	return slices.Contains(t.Vendors, "teams") || slices.Contains(t.Vendors, "genesys")
}

// extension draws, on w.xrng, at most one extended template whose vendors are not connected yet (two
// rules for one connection would compete), and connects its vendors.
func (w *World) extension(ctx context.Context, st *store.DB) ([]*ruletemplate.Template, error) {
	if w.xrng.IntN(10) >= 4 {
		return nil, nil
	}
	var candidates []*ruletemplate.Template
	for _, tpl := range ruletemplate.All() {
		if extended(tpl) && !slices.ContainsFunc(tpl.Vendors, func(v string) bool { return w.conns[v] != "" }) {
			candidates = append(candidates, tpl)
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	tpl := pick(w.xrng, candidates...)
	for _, v := range tpl.Vendors {
		if err := w.connect(ctx, st, v); err != nil {
			return nil, err
		}
	}
	return []*ruletemplate.Template{tpl}, nil
}

// newEmulator makes a vendor's account (quiet logs; its own rate limits on).
func newEmulator(vendor string) emulator.Emulator {
	log := slog.New(slog.DiscardHandler)
	switch vendor {
	case "zendesk":
		return zendeskemu.New(zendeskemu.Options{Log: log})
	case "aircall":
		return aircallemu.New(aircallemu.Options{Log: log})
	case "salesforce":
		return salesforceemu.New(salesforceemu.Options{Log: log})
	case "cxone":
		return cxoneemu.New(cxoneemu.Options{Log: log})
	case "talkdesk":
		return talkdeskemu.New(talkdeskemu.Options{Log: log})
	case "servicenow":
		return servicenowemu.New(servicenowemu.Options{Log: log, OAuth: true})
	case "teams":
		return teamsemu.New(teamsemu.Options{Log: log})
	case "genesys":
		return genesysemu.New(genesysemu.Options{Log: log})
	}
	return punchclockemu.New(punchclockemu.Options{Log: log})
}

// connect adds a vendor account and its connection (credentials sealed as the API would).
func (w *World) connect(ctx context.Context, st *store.DB, vendor string) error {
	em := newEmulator(vendor)
	host := vendor + "." + w.name
	c := &model.Connection{ID: ids.New(ids.Connection), TenantID: w.tenant, Name: vendor, Vendor: em.Vendor(),
		BaseURL: "http://" + host, Enabled: true, Settings: map[string]string{"rate_limit_per_minute": "1000000000"}}
	maps.Copy(c.Settings, em.Settings())
	switch vendor {
	case "teams":
		// No notification URL: the hub polls Teams (subscriptions need the validation handshake, which
		// the simulated webhooks do not carry). The user's preferred presence, which a person's pick
		// by hand sets too and which beats an application session, is what the hub writes.
		c.Settings[teams.SettingWriteMode] = teams.ModePreferred
	case "genesys":
		c.Settings[genesys.SettingNotifications] = "poll" // the simulated hosts carry no websocket
	}
	if sc, ok := em.(emulator.Connector); ok {
		c.Spec = sc.ConnectorSpec()
	}
	creds := em.Credentials()
	plain, err := json.Marshal(creds)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	keyID, sealed, err := w.sealer.Seal(plain, seal.ConnectionOwner(w.tenant, c.ID))
	if err != nil {
		return fmt.Errorf("sealing: %w", err)
	}
	c.CredentialKeys = slices.Sorted(maps.Keys(creds))
	if err := st.CreateConnection(ctx, c, &model.SealedSecret{KeyID: keyID, Sealed: sealed}); err != nil {
		return fmt.Errorf("connection %s: %w", vendor, err)
	}
	em.AddWebhook("http://hub." + w.name + "/v1/webhooks/" + c.ID)
	w.vendors[vendor] = &vendorHost{name: vendor, em: em, w: w}
	w.order = append(w.order, vendor)
	w.conns[vendor] = c.ID
	return nil
}

// roundTrip serves a request to one of the world's hosts.
func (w *World) roundTrip(name string, req *http.Request) (*http.Response, error) {
	if name == "hub" {
		return w.webhook.capture(req)
	}
	v := w.vendors[name]
	if v == nil {
		return nil, fmt.Errorf("no simulated host %q", name)
	}
	return v.serve(req)
}

// close stops the hub and the emulators' webhook senders, and forgets the world.
func (w *World) close() {
	if w.hub != nil {
		w.hub.kill()
	}
	for _, v := range w.vendors {
		if c, ok := v.em.(interface{ Close() }); ok {
			c.Close()
		}
	}
	worlds.Delete(w.name)
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func readBody(req *http.Request) []byte {
	if req.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b
}
