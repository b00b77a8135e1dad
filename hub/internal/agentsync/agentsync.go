// Package agentsync links agents to their users in each vendor account (seed 001). A run reads every
// user of a connection through its adapter, page by page with the vendor's own pagination and within its
// rate limit, matches hub agents by email (trimmed, case-insensitive) and links their external ids —
// never overwriting a pinned link — optionally creating the agents that are missing. Each page's links,
// the run's cursor and its report are saved in one transaction, so progress is visible while the run
// lasts and a run interrupted by a restart resumes after its last saved page (or restarts from the first
// when the vendor no longer accepts the saved cursor). Runs start on demand and on a schedule (daily
// unless the connection says otherwise); a connection has at most one running run.
//
// With several replicas a run executes on the replica that started it (its Owner); the schedule and the
// pick-up of runs whose replica is gone belong to the leader (Lead).
package agentsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// Store is what agent sync reads and writes.
type Store interface {
	store.SyncRuns
	GetConnection(ctx context.Context, tenantID, id string) (*model.Connection, error)
	ListConnections(ctx context.Context, tenantID string, p store.Page) ([]*model.Connection, string, error)
	ListTenants(ctx context.Context, p store.Page) ([]*model.Tenant, string, error)
}

// Vendors reads users from connections' vendors (the sync framework's Manager).
type Vendors interface {
	Supports(vendor string) bool
	ListUsers(ctx context.Context, connectionID, cursor string) ([]vendorapi.User, string, error)
}

// Errors of Start.
var (
	// ErrDisabled: the connection is disabled.
	ErrDisabled = errors.New("the connection is disabled")
	// ErrUnsupported: no adapter can list this connection's users.
	ErrUnsupported = errors.New("no adapter for this connection's vendor")
)

// Options tune agent sync.
type Options struct {
	// Interval is the default time between scheduled runs of a connection (0: no scheduled runs unless
	// a connection sets agent_sync_interval).
	Interval time.Duration
	// Tick is how often connections due for a scheduled run are looked for.
	Tick time.Duration
	// Attempts bounds the tries of one page before the run fails; MinBackoff and MaxBackoff the waits.
	Attempts               int
	MinBackoff, MaxBackoff time.Duration
	Now                    func() time.Time
	// Owner names this replica on the runs it executes.
	Owner string
	// Alive reports whether the replica named owner still runs; nil means no other replica does (a
	// single hub: every other owner is an earlier process).
	Alive func(ctx context.Context, owner string) (bool, error)
}

// Service runs agent sync.
type Service struct {
	st      Store
	vendors Vendors
	log     *slog.Logger
	opts    Options

	base context.Context // runs live in it: cancelled by Close
	stop context.CancelFunc
	wg   sync.WaitGroup
	mu   sync.Mutex
	busy map[string]bool // connection ids with a run in this process
}

// New returns the service; Lead resumes interrupted runs and keeps the schedule, Close stops its runs.
func New(st Store, vendors Vendors, log *slog.Logger, opts Options) *Service {
	if opts.Tick <= 0 {
		opts.Tick = time.Minute
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 5
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = time.Minute
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Now().UTC() }
	}
	base, stop := context.WithCancel(context.Background())
	return &Service{st: st, vendors: vendors, log: log, opts: opts, base: base, stop: stop, busy: map[string]bool{}}
}

// Lead is the leader's part, until ctx ends: it picks up the runs whose replica is gone (a previous
// process, or a replica that died), then, every Tick, starts the scheduled runs and picks up orphans
// again. Runs it started go on when it returns; Close stops them.
func (s *Service) Lead(ctx context.Context) {
	s.resume(ctx)
	t := time.NewTicker(s.opts.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.schedule(ctx)
			s.resume(ctx)
		}
	}
}

// Close stops every run of this process and waits for them; interrupted runs stay running, to be
// resumed by the leader (this process at its next start, or another replica).
func (s *Service) Close() {
	s.stop()
	s.wg.Wait()
}

// Start begins a run of a connection now. A connection with a running run answers a ConflictError on
// "sync_runs_active_key".
func (s *Service) Start(ctx context.Context, tenantID, connectionID, trigger string) (*model.SyncRun, error) {
	c, err := s.st.GetConnection(ctx, tenantID, connectionID)
	if err != nil {
		return nil, err
	}
	switch {
	case !c.Enabled:
		return nil, ErrDisabled
	case !s.vendors.Supports(c.Vendor):
		return nil, fmt.Errorf("%w (%s)", ErrUnsupported, c.Vendor)
	}
	r := &model.SyncRun{ID: ids.New(ids.SyncRun), TenantID: tenantID, ConnectionID: connectionID, Trigger: trigger, Owner: s.opts.Owner}
	if !s.claim(connectionID) {
		return nil, &store.ConflictError{Constraint: "sync_runs_active_key"}
	}
	if err := s.st.CreateSyncRun(ctx, r); err != nil {
		s.release(connectionID)
		return nil, err
	}
	s.log.Info("agent sync started", slog.String(logkey.TenantID, tenantID), slog.String(logkey.Connection, connectionID),
		slog.String(logkey.SyncRunID, r.ID), slog.String(logkey.Trigger, trigger))
	started := *r // the caller's copy: the run's own goroutine updates r as it goes
	s.launch(r, false)
	return &started, nil
}

// claim marks a connection busy in this process; false if it already is.
func (s *Service) claim(connectionID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy[connectionID] {
		return false
	}
	s.busy[connectionID] = true
	return true
}

func (s *Service) release(connectionID string) {
	s.mu.Lock()
	delete(s.busy, connectionID)
	s.mu.Unlock()
}

// launch executes r in the background (its connection already claimed).
func (s *Service) launch(r *model.SyncRun, resumed bool) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.release(r.ConnectionID)
		s.execute(s.base, r, resumed)
	}()
}

// resume picks up the running runs whose replica is gone: a previous process of this hub, or another
// replica that died. A run that another replica takes first is left to it.
func (s *Service) resume(ctx context.Context) {
	runs, err := s.st.RunningSyncRuns(ctx)
	if err != nil {
		s.log.Warn("agent sync: listing interrupted runs", slog.Any(logkey.Error, err))
		return
	}
	for _, r := range runs {
		if r.Owner != s.opts.Owner && s.alive(ctx, r.Owner) {
			continue
		}
		if !s.claim(r.ConnectionID) {
			continue // this process runs it
		}
		if err := s.st.ResumeSyncRun(ctx, r, s.opts.Owner); err != nil {
			s.release(r.ConnectionID)
			if !errors.Is(err, store.ErrNotFound) {
				s.log.Warn("agent sync: resuming a run", slog.String(logkey.SyncRunID, r.ID), slog.Any(logkey.Error, err))
			}
			continue
		}
		s.log.Info("agent sync resumed: the process running it stopped", slog.String(logkey.SyncRunID, r.ID), slog.String(logkey.Connection, r.ConnectionID),
			slog.Int64(logkey.Pages, r.Pages))
		s.launch(r, true)
	}
}

// alive reports whether the replica named owner still runs (unknown counts as alive: its runs are
// left alone until it is known to be gone).
func (s *Service) alive(ctx context.Context, owner string) bool {
	if s.opts.Alive == nil || owner == "" {
		return false
	}
	ok, err := s.opts.Alive(ctx, owner)
	if err != nil {
		s.log.Warn("agent sync: checking the replica of a run", slog.String(logkey.Replica, owner), slog.Any(logkey.Error, err))
		return true
	}
	return ok
}
