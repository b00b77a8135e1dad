package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// checkpointEvery is how often the background checkpointer copies SQLite's write-ahead log into the
// database file. At 1,000 presence changes a second that keeps the WAL to a few MB.
const checkpointEvery = 500 * time.Millisecond

// checkpointer moves SQLite's write-ahead log into the database file from a goroutine of its own.
// SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages, fsyncs included:
// about one presence change in 250 took 6–8 ms instead of 0.3 ms, and every change queued behind it
// waited as long (that was the hub's p99). So every connection opens with wal_autocheckpoint(0) (see
// sqliteDialect.open) and this loop runs PASSIVE checkpoints, which never block a writer or a reader;
// the next writer after a complete checkpoint starts the WAL from its beginning again.
type checkpointer struct {
	stop chan struct{}
	wg   sync.WaitGroup
}

// startCheckpointer starts the loop; SQLite stores only.
func (s *DB) startCheckpointer() {
	c := &s.checkpoints
	c.stop = make(chan struct{})
	c.wg.Go(func() {
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				// A failed checkpoint leaves the frames in the WAL, where readers still find them; the
				// next tick tries again.
				_ = s.checkpoint("PASSIVE")
			case <-c.stop:
				return
			}
		}
	})
}

// stopCheckpointer ends the loop and empties the WAL into the database file (TRUNCATE), so a stopped
// hub leaves one self-contained file behind.
func (s *DB) stopCheckpointer() error {
	c := &s.checkpoints
	if c.stop == nil {
		return nil
	}
	close(c.stop)
	c.wg.Wait()
	return s.checkpoint("TRUNCATE")
}

// checkpoint runs one SQLite WAL checkpoint in mode. PASSIVE never takes the write lock and runs on a
// pooled connection; TRUNCATE waits for writers, so it takes the writer's turn (writer.go) like any write.
func (s *DB) checkpoint(mode string) error {
	var busy, log, copied int
	pragma := "PRAGMA wal_checkpoint(" + mode + ")"
	if mode == "PASSIVE" || s.w == nil {
		if err := s.db.QueryRow(pragma).Scan(&busy, &log, &copied); err != nil {
			return fmt.Errorf("checkpointing the write-ahead log: %w", err)
		}
		return nil
	}
	return s.w.do(context.Background(), func(c *writerConn) error {
		if err := c.conn.QueryRowContext(context.Background(), pragma).Scan(&busy, &log, &copied); err != nil {
			return fmt.Errorf("checkpointing the write-ahead log: %w", err)
		}
		return nil
	})
}
