package store

import (
	"context"
	"fmt"
	"time"

	"presencehub.dev/hub/internal/model"
)

// OutboxClaims keeps a write from being sent by two replicas. The replica delivering a write claims it
// first: the row names it and is not due again until the claim's end, so no other replica's due list
// holds it meanwhile. Marking the write delivered or failed ends the claim. A replica that dies leaves
// its claims; the next leader releases those of replicas that are gone, and the others run out.
type OutboxClaims interface {
	ClaimWrite(ctx context.Context, id, owner string, now, until time.Time) (bool, error)
	ClaimOwners(ctx context.Context) ([]string, error)
	ReleaseClaims(ctx context.Context, owner string, at time.Time) (int64, error)
}

// ClaimWrite claims a pending write that is due at now for owner until until. It answers false when the
// write is no longer pending or due: delivered, superseded or claimed since it was listed.
func (s *DB) ClaimWrite(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	res, err := s.x.ExecContext(ctx, s.q("UPDATE outbox SET claim_owner = ?, next_attempt_time = ?, update_time = ? WHERE id = ? AND state = ? AND next_attempt_time <= ?"),
		owner, micros(until), micros(now), id, model.WritePending, micros(now))
	if err != nil {
		return false, fmt.Errorf("claiming write: %w", s.mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claiming write: %w", err)
	}
	return n == 1, nil
}

// ClaimOwners lists the replicas that hold claims on pending writes.
func (s *DB) ClaimOwners(ctx context.Context) ([]string, error) {
	rows, err := s.x.QueryContext(ctx, s.q("SELECT DISTINCT claim_owner FROM outbox WHERE state IN (?, ?) AND claim_owner <> ''"),
		model.WritePending, model.WriteSuperseded)
	if err != nil {
		return nil, fmt.Errorf("listing claim owners: %w", s.mapErr(err))
	}
	owners, err := collect(rows, func(r scanner) (string, error) {
		var o string
		return o, r.Scan(&o)
	})
	if err != nil {
		return nil, fmt.Errorf("listing claim owners: %w", err)
	}
	return owners, nil
}

// ReleaseClaims makes the pending writes owner claimed due at at (owner is gone, or stopped without
// sending them) and reports how many there were. A claim may have been sent before its owner stopped,
// and the vendor may have applied it: each counts as an attempt answered at at (LastSent), those
// superseded meanwhile included.
func (s *DB) ReleaseClaims(ctx context.Context, owner string, at time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx queryer) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE outbox SET claim_owner = '', attempts = attempts + 1, next_attempt_time = ?, update_time = ? WHERE state = ? AND claim_owner = ?"),
			micros(at), micros(at), model.WritePending, owner)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q("UPDATE outbox SET claim_owner = '', attempts = attempts + 1, update_time = ? WHERE state = ? AND claim_owner = ?"),
			micros(at), model.WriteSuperseded, owner)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("releasing claims: %w", s.mapErr(err))
	}
	return n, nil
}
