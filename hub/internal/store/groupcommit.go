package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"presencehub.dev/hub/internal/model"
)

// maxGroup bounds how many presence changes share one transaction.
const maxGroup = 256

// postgresCommitters is how many groups commit at once on PostgreSQL, each on its own connection (its
// statements are round trips, so one committer would leave the server idle between them). SQLite has
// one writer at a time, so it gets one.
const postgresCommitters = 4

// saveJob is one SavePresence waiting for its group's commit.
type saveJob struct {
	ctx    context.Context
	p      *model.Presence
	expect int64
	entry  *model.TimelineEntry
	writes []*model.OutboxWrite
	done   chan error
}

// committer is group commit for presence changes: a goroutine commits whatever changes arrived while
// the previous transaction was committing, all in one transaction. Alone, a change commits at once (no
// waiting for company); under load, one commit (one WAL append, one PostgreSQL round trip of COMMIT)
// carries many changes, which is what lets durable throughput grow past the per-commit cost.
type committer struct {
	start sync.Once
	jobs  chan *saveJob
	stop  chan struct{}
	wg    sync.WaitGroup

	commits, changes atomic.Int64 // transactions committed by the committer, and the changes they carried
}

// GroupCommits reports how many transactions the committer ran and how many presence changes they
// carried; changes/commits is the average group size.
func (s *DB) GroupCommits() (commits, changes int64) {
	return s.commits.commits.Load(), s.commits.changes.Load()
}

// submit hands j to the committer, starting it on first use. It reports false once the store is closed.
func (s *DB) submit(j *saveJob) bool {
	c := &s.commits
	c.start.Do(func() {
		c.jobs, c.stop = make(chan *saveJob, maxGroup), make(chan struct{})
		n := 1
		if s.dialect.name() == "postgres" {
			n = postgresCommitters
		}
		for range n {
			c.wg.Go(s.commitLoop)
		}
	})
	select {
	case <-c.stop:
		return false
	default:
	}
	select {
	case c.jobs <- j:
		return true
	case <-c.stop:
		return false
	}
}

// stopCommitter ends the committer after the changes already handed to it are committed.
func (s *DB) stopCommitter() {
	c := &s.commits
	started := true
	c.start.Do(func() { started = false })
	if !started {
		return
	}
	close(c.stop)
	c.wg.Wait()
}

// txRunner runs fn in one transaction (DB.inTx).
type txRunner func(ctx context.Context, fn func(tx queryer) error) error

func (s *DB) commitLoop() {
	c := &s.commits
	batch := make([]*saveJob, 0, maxGroup)
	inTx := txRunner(s.inTx) // SQLite: each group takes the writer's turn (writer.go)
	for {
		select {
		case j := <-c.jobs:
			batch = append(batch[:0], j)
		case <-c.stop:
			for {
				select {
				case j := <-c.jobs:
					j.done <- s.saveOne(j, inTx)
				default:
					return
				}
			}
		}
	more:
		for len(batch) < maxGroup {
			select {
			case j := <-c.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		// In a fixed order, so that groups committing at once (PostgreSQL) never wait on each other's rows
		// in opposite orders.
		slices.SortFunc(batch, func(a, b *saveJob) int { return strings.Compare(a.p.AgentID, b.p.AgentID) })
		s.commitGroup(batch, inTx)
		clear(batch)
	}
}

// commitGroup commits a group in one transaction. A lost race (version conflict) fails only its own
// change; any other error rolls the group back and each change is retried alone, so one bad change
// never fails the others.
func (s *DB) commitGroup(batch []*saveJob, inTx txRunner) {
	s.commits.commits.Add(1)
	s.commits.changes.Add(int64(len(batch)))
	if len(batch) == 1 {
		batch[0].done <- s.saveOne(batch[0], inTx)
		return
	}
	results := make([]error, len(batch))
	err := inTx(context.Background(), func(tx queryer) error {
		if s.dialect.name() == "postgres" {
			return s.saveGroupBatched(context.Background(), tx, batch, results)
		}
		for i, j := range batch {
			if j.ctx.Err() != nil {
				results[i] = j.ctx.Err()
				continue
			}
			results[i] = s.savePresenceTx(j.ctx, tx, j)
			if results[i] != nil && !errors.Is(results[i], ErrVersionRace) {
				return results[i]
			}
		}
		return nil
	})
	if errors.Is(err, ErrBusy) && s.w != nil { // SQLite stayed locked: alone, each change would wait as long again
		for _, j := range batch {
			j.done <- err
		}
		return
	}
	if err != nil {
		for _, j := range batch {
			j.done <- s.saveOne(j, inTx)
		}
		return
	}
	for i, j := range batch {
		j.done <- results[i]
	}
}

// saveOne commits one change in a transaction of its own.
func (s *DB) saveOne(j *saveJob, inTx txRunner) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	return inTx(j.ctx, func(tx queryer) error { return s.savePresenceTx(j.ctx, tx, j) })
}
