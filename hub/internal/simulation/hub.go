package simulation

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendors"
	"presencehub.dev/hub/internal/vendorsync"
)

// hub is one running hub process: store, engine, router and sync manager over the world's SQLite file.
// Its loops do not run by themselves: the simulation steps them (dispatch the due writes, poll, repair
// drift), each in its own goroutine so that slow or hanging vendors overlap with what follows.
type hub struct {
	gen     int
	st      *store.DB
	engine  *presence.Engine
	router  *vendorsync.Router
	mgr     *vendorsync.Manager
	mux     *http.ServeMux
	ctx     context.Context
	cancel  context.CancelFunc
	bg      sync.WaitGroup
	cursors vendorsync.PollCursors

	mu   sync.Mutex
	busy map[string]bool
}

// Tuning of the simulated hub: short intervals so a seed covers retries, polls and drift repair in a
// few virtual minutes.
const (
	pollInterval  = 10 * time.Second
	driftInterval = 30 * time.Second
	minBackoff    = time.Second
	maxBackoff    = 15 * time.Second
	httpTimeout   = 15 * time.Second
)

// openHub starts hub number gen on the world's database (what survived the previous one).
// st, when not nil, is the store already open on that file (the first hub, right after the setup).
func openHub(w *World, gen int, st *store.DB) (*hub, error) {
	ctx, cancel := context.WithCancel(context.Background())
	if st == nil {
		var err error
		if st, err = store.Open(ctx, "sqlite", w.dbPath); err != nil {
			cancel()
			return nil, fmt.Errorf("opening the store: %w", err)
		}
	}
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("SIM_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	b := bus.NewLocal()
	router := vendorsync.NewRouter(st, 5*time.Second, nil)
	engine := presence.New(st, b, log, presence.Options{Planner: router, CachePresence: true})
	mgr := vendorsync.New(st, w.sealer, engine, router, b, vendorsync.NewMetrics(prometheus.NewRegistry()), log, vendorsync.Options{
		Vendors: vendors.All(), MinBackoff: minBackoff, MaxBackoff: maxBackoff, DriftInterval: driftInterval,
		Observe: w.observePolled, PollInterval: pollInterval, Workers: 16, HTTPClient: &http.Client{Timeout: httpTimeout}, Owner: fmt.Sprintf("sim-hub-%d", gen),
	})
	h := &hub{gen: gen, st: st, engine: engine, router: router, mgr: mgr, ctx: ctx, cancel: cancel,
		cursors: vendorsync.PollCursors{}, busy: map[string]bool{}, mux: http.NewServeMux()}
	h.mux.Handle("POST /v1/webhooks/{connection}", mgr.WebhookHandler())
	h.bg.Go(func() { mgr.Run(ctx) })
	h.bg.Go(func() { engine.Run(ctx) }) // restores the held (coalesced) changes the last hub acknowledged
	mgr.ReleaseClaims(ctx)
	return h, nil
}

// background runs fn unless the same kind of work is still running (a poll stuck on a hanging vendor);
// it reports whether it started.
func (h *hub) background(kind string, fn func(ctx context.Context)) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.busy[kind] {
		return false
	}
	h.busy[kind] = true
	h.bg.Go(func() {
		fn(h.ctx)
		h.mu.Lock()
		h.busy[kind] = false
		h.mu.Unlock()
	})
	return true
}

// kill ends the hub like kill -9: nothing it still meant to do (held changes, echo expectations,
// pauses, cursors) survives, only what it committed. Its goroutines are cut (cancelled, then waited
// for, so none of them acts later) and the store is closed without flushing anything of the engine.
func (h *hub) kill() {
	h.cancel()
	h.engine.Close() // its flow-control timers: a killed process fires none
	h.bg.Wait()
	h.mgr.WaitDeliveries()
	_ = h.st.Close()
}

// schema is an empty database with every migration applied, made once per process: each seed starts
// from a copy instead of migrating its own.
var schema struct {
	once sync.Once
	db   []byte
	err  error
}

// emptyDatabase writes a migrated, empty database to path.
func emptyDatabase(path string) error {
	schema.once.Do(func() {
		dir, err := os.MkdirTemp("", "presence-sim-schema-")
		if err != nil {
			schema.err = err
			return
		}
		defer os.RemoveAll(dir)
		file := filepath.Join(dir, "schema.db")
		st, err := store.Open(context.Background(), "sqlite", file)
		if err != nil {
			schema.err = err
			return
		}
		if schema.err = st.Close(); schema.err == nil {
			schema.db, schema.err = os.ReadFile(file)
		}
	})
	if schema.err != nil {
		return fmt.Errorf("preparing the schema: %w", schema.err)
	}
	return os.WriteFile(path, schema.db, 0o600)
}

// running reports whether a poll or drift-repair round is still under way.
func (h *hub) running() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.busy {
		if b {
			return true
		}
	}
	return false
}

// observePolled notes a change a poll read that the hub took ("applied": applied, queued or held; the
// webhooks' answers tell theirs): a newer pick the hub took from another vendor may replace a person's
// pick (takenElsewhere), and a held one replaces an older held change (seed 47724).
func (w *World) observePolled(connectionID string, ch vendorapi.Change, outcome string) {
	vendor := w.vendorOf(connectionID)
	if outcome != "applied" || !w.polls(vendor) {
		return
	}
	for i, ag := range w.agents {
		if ag.users[vendor] == ch.ExternalID {
			w.pmu.Lock()
			w.polledAcks = append(w.polledAcks, ack{agent: i, source: vendor, status: ch.State, at: time.Now()})
			w.pmu.Unlock()
		}
	}
}

// takenAcks are the vendor changes the hub took, by webhook or poll.
func (w *World) takenAcks() []ack {
	w.pmu.Lock()
	defer w.pmu.Unlock()
	return append(slices.Clone(w.vendorAcks), w.polledAcks...)
}
