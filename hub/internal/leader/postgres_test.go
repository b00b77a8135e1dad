package leader

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"presencehub.dev/hub/internal/testenv"
	"presencehub.dev/shared/testwait"
)

// terms records who led when, and fails the test if two replicas ever worked at once.
type terms struct {
	t      *testing.T
	mu     sync.Mutex
	active string
	starts map[string][]time.Time
	ends   map[string][]time.Time
}

func (r *terms) lead(id string) func(ctx context.Context) {
	return func(ctx context.Context) {
		r.mu.Lock()
		if r.active != "" {
			r.t.Errorf("%s leads while %s still does", id, r.active)
		}
		r.active = id
		r.starts[id] = append(r.starts[id], time.Now())
		r.mu.Unlock()
		<-ctx.Done()
		r.mu.Lock()
		r.active = ""
		r.ends[id] = append(r.ends[id], time.Now())
		r.mu.Unlock()
	}
}

func (r *terms) leader() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active
}

// TestPostgresElection runs three electors on one database: exactly one leads; when the server ends the
// leader's session (as when its process dies) another takes over within Retry + Grace, and the old one
// stops before the new one starts; a replica that stops is no longer Alive.
func TestPostgresElection(t *testing.T) {
	dsn := testenv.Postgres(t)
	rec := &terms{t: t, starts: map[string][]time.Time{}, ends: map[string][]time.Time{}}
	opts := Options{Retry: 100 * time.Millisecond, Check: 100 * time.Millisecond, Grace: 300 * time.Millisecond}
	electors := map[string]*Postgres{}
	stops := map[string]context.CancelFunc{}
	var wg sync.WaitGroup
	for _, id := range []string{"a", "b", "c"} {
		o := opts
		o.ID = id
		e := NewPostgres(dsn, o)
		ctx, cancel := context.WithCancel(context.Background())
		electors[id], stops[id] = e, cancel
		wg.Go(func() { e.Run(ctx, rec.lead(id)) })
	}
	t.Cleanup(func() {
		for _, stop := range stops {
			stop()
		}
		wg.Wait()
	})
	testwait.Within(t, 5*time.Second, "a leader", func() bool { return rec.leader() != "" })
	first := rec.leader()
	for id, e := range electors {
		if e.Leading() != (id == first) {
			t.Fatalf("%s reports leading=%v; the leader is %s", id, e.Leading(), first)
		}
	}

	// The server ends the leader's session.
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	key := uint64(leaderKey)
	killed := time.Now()
	var n int
	if err := admin.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
		AND classid = $1 AND objid = $2`, uint32(key>>32), uint32(key)).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminating the leader's session: %d sessions, %v", n, err)
	}
	testwait.Within(t, 5*time.Second, "another leader", func() bool { l := rec.leader(); return l != "" && l != first })
	second := rec.leader()
	failover := time.Since(killed)
	t.Logf("leader %s's session ended; %s leads after %s", first, second, failover.Round(time.Millisecond))
	rec.mu.Lock()
	oldEnd, newStart := rec.ends[first][0], rec.starts[second][0]
	rec.mu.Unlock()
	if !oldEnd.Before(newStart) {
		t.Fatalf("the old leader stopped at %s, after the new one started at %s", oldEnd, newStart)
	}

	// The new leader stops cleanly: the third replica takes over, and the stopped one is not alive.
	stops[second]()
	testwait.Within(t, 5*time.Second, "a third leader", func() bool { l := rec.leader(); return l != "" && l != second })
	survivor := electors[rec.leader()]
	testwait.Within(t, 5*time.Second, "the stopped replica to be gone", func() bool {
		alive, err := survivor.Alive(context.Background(), second)
		return err == nil && !alive
	})
	for _, id := range []string{"a", "b", "c"} {
		if id == second {
			continue
		}
		testwait.Within(t, 5*time.Second, id+" alive", func() bool {
			alive, err := survivor.Alive(context.Background(), id)
			return err == nil && alive
		})
	}
}

func TestSingleAlwaysLeads(t *testing.T) {
	s := NewSingle()
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	s.Run(ctx, func(ctx context.Context) { ran = true; cancel(); <-ctx.Done() }) // leads, then is stopped
	if !ran {
		t.Fatal("a single replica did not lead")
	}
	if ok, _ := s.Alive(ctx, s.ID()); !ok {
		t.Fatal("this process is not alive")
	}
	if ok, _ := s.Alive(ctx, NewID()); ok {
		t.Fatal("another process is alive on SQLite")
	}
}
