package leader

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"presencehub.dev/shared/logkey"
)

// Advisory lock keys. The leader lock is one bigint key ("phleader"); each replica's own lock is the
// pair (replicaClass, a hash of its id) in PostgreSQL's separate two-key space.
const (
	leaderKey    int64 = 0x70686c6561646572
	replicaClass int32 = 0x7068726c // "phrl"
)

// Options tune a Postgres elector; zero values take the defaults.
type Options struct {
	// ID names the replica (default NewID()).
	ID string
	// Retry is how often a follower tries to take the leader lock, and how long a broken session
	// waits before reconnecting (default 1s).
	Retry time.Duration
	// Check is how often the leader makes sure its session is alive; a check that takes longer fails
	// (default 1s).
	Check time.Duration
	// Grace is how long a new leader waits before it starts working, so that a leader whose session
	// the server ended has noticed (within 2 × Check) and stopped (default 2 × Check; negative: no
	// wait, for a hub that is its database's only replica).
	Grace time.Duration
	// Log receives leadership changes; nil discards them.
	Log *slog.Logger
}

// Postgres elects the leader among the replicas sharing a PostgreSQL database, through session-level
// advisory locks held on one dedicated connection per replica (outside the store's pool).
type Postgres struct {
	dsn     string
	opts    Options
	log     *slog.Logger
	leading atomic.Bool

	mu   sync.Mutex
	conn *pgx.Conn // the session holding this replica's locks; nil while disconnected
}

var _ Elector = (*Postgres)(nil)

// NewPostgres returns an elector on the database of dsn; Run takes part in the election.
func NewPostgres(dsn string, opts Options) *Postgres {
	if opts.ID == "" {
		opts.ID = NewID()
	}
	if opts.Retry <= 0 {
		opts.Retry = time.Second
	}
	if opts.Check <= 0 {
		opts.Check = time.Second
	}
	switch {
	case opts.Grace == 0:
		opts.Grace = 2 * opts.Check
	case opts.Grace < 0:
		opts.Grace = 0
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Postgres{dsn: dsn, opts: opts, log: log.With(slog.String(logkey.Replica, opts.ID))}
}

// ID names this replica.
func (p *Postgres) ID() string { return p.opts.ID }

// Leading reports whether this replica's background work is running.
func (p *Postgres) Leading() bool { return p.leading.Load() }

// Run takes part in the election until ctx ends, reconnecting after a lost session.
func (p *Postgres) Run(ctx context.Context, lead func(ctx context.Context)) {
	for {
		if err := p.session(ctx, lead); err != nil && ctx.Err() == nil {
			p.log.Warn("leader election: session lost; reconnecting", slog.Any(logkey.Error, err))
		}
		if !sleep(ctx, p.opts.Retry) {
			return
		}
	}
}

// session connects, takes the replica's own lock, then follows (trying the leader lock every Retry)
// and leads when it gets it, until the connection fails or ctx ends. Closing the connection ends the
// session, which frees whatever locks it held.
func (p *Postgres) session(ctx context.Context, lead func(ctx context.Context)) error {
	cfg, err := pgx.ParseConfig(p.dsn)
	if err != nil {
		return fmt.Errorf("parsing the dsn: %w", err)
	}
	cfg.RuntimeParams["application_name"] = "presence-hub leader election"
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	p.mu.Lock()
	p.conn = conn
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.conn = nil
		p.mu.Unlock()
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	var own bool
	if err := p.scalar(ctx, &own, "SELECT pg_try_advisory_lock($1, $2)", replicaClass, replicaKey(p.opts.ID)); err != nil {
		return fmt.Errorf("taking the replica lock: %w", err)
	}
	if !own { // our previous session is not gone yet
		return errors.New("the replica lock is still held by an earlier session")
	}
	for {
		var got bool
		if err := p.scalar(ctx, &got, "SELECT pg_try_advisory_lock($1)", leaderKey); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("trying the leader lock: %w", err)
		}
		if got {
			if err := p.lead(ctx, lead); err != nil || ctx.Err() != nil {
				return err
			}
		}
		if !sleep(ctx, p.opts.Retry) {
			return nil
		}
	}
}

// lead runs lead while the session holds the leader lock, checking the session every Check.
func (p *Postgres) lead(ctx context.Context, lead func(ctx context.Context)) error {
	p.log.Info("leader election: this replica leads; background work starts after the grace period", slog.Duration(logkey.Duration, p.opts.Grace))
	if !sleep(ctx, p.opts.Grace) {
		return nil
	}
	if err := p.ping(ctx); err != nil {
		return fmt.Errorf("leader session: %w", err)
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	p.leading.Store(true)
	defer p.leading.Store(false)
	go func() { defer close(done); lead(lctx) }()
	t := time.NewTicker(p.opts.Check)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			return nil
		case <-done:
			p.log.Warn("leader election: background work stopped by itself; stepping down")
			var released bool
			if err := p.scalar(ctx, &released, "SELECT pg_advisory_unlock($1)", leaderKey); err != nil {
				return fmt.Errorf("stepping down: %w", err)
			}
			return nil
		case <-t.C:
			if err := p.ping(ctx); err != nil {
				cancel()
				<-done
				p.log.Warn("leader election: lost the leader session; background work stopped", slog.Any(logkey.Error, err))
				return fmt.Errorf("leader session: %w", err)
			}
		}
	}
}

// Alive reports whether the replica named id holds its own lock, that is whether its session (and so,
// as far as the database can tell, the replica) is alive. It fails while this replica is disconnected.
func (p *Postgres) Alive(ctx context.Context, id string) (bool, error) {
	if id == p.opts.ID {
		return true, nil
	}
	var held bool
	err := p.scalar(ctx, &held, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = $1 AND objid = $2 AND objsubid = 2)`, uint32(replicaClass), uint32(replicaKey(id)))
	if err != nil {
		return false, fmt.Errorf("checking replica %s: %w", id, err)
	}
	return held, nil
}

// scalar runs a one-value query on the session.
func (p *Postgres) scalar(ctx context.Context, dst any, query string, args ...any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		return errors.New("not connected")
	}
	return p.conn.QueryRow(ctx, query, args...).Scan(dst)
}

// ping checks the session within Check.
func (p *Postgres) ping(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, p.opts.Check)
	defer cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		return errors.New("not connected")
	}
	return p.conn.Ping(cctx)
}

// replicaKey is the second key of a replica's own lock.
func replicaKey(id string) int32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int32(h.Sum32())
}

// sleep waits d; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
