package vendorsync

import (
	"context"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/shared/logkey"
)

// releaseOwnClaims makes due at once the writes this replica still holds (cut by the end of its
// leadership), so the next leader sends them without waiting for the claims to run out.
func (o *Outbox) releaseOwnClaims(ctx context.Context) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if n, err := o.st.ReleaseClaims(rctx, o.owner, o.now()); err != nil {
		o.log.Warn("releasing this replica's claimed writes", slog.Any(logkey.Error, err))
	} else if n > 0 {
		o.log.Info("released writes cut by the end of leadership", slog.Int64(logkey.Count, n))
	}
}

// releaseClaims makes the writes claimed by replicas that are gone (or by this one, left from an
// earlier term) due at once. Claims of live replicas run out by themselves.
func (o *Outbox) releaseClaims(ctx context.Context) {
	owners, err := o.st.ClaimOwners(ctx)
	if err != nil {
		o.log.Warn("listing claimed writes", slog.Any(logkey.Error, err))
		return
	}
	for _, owner := range owners {
		if owner != o.owner && o.alive(ctx, owner) {
			continue
		}
		n, err := o.st.ReleaseClaims(ctx, owner, o.now())
		if err != nil {
			o.log.Warn("releasing claimed writes", slog.String(logkey.Replica, owner), slog.Any(logkey.Error, err))
			continue
		}
		o.log.Info("took over the writes a stopped replica was sending", slog.String(logkey.Replica, owner), slog.Int64(logkey.Count, n))
	}
	o.Kick()
}

// alive reports whether the replica named owner still runs; unknown counts as alive.
func (o *Outbox) alive(ctx context.Context, owner string) bool {
	if o.replicaAlive == nil {
		return false
	}
	ok, err := o.replicaAlive(ctx, owner)
	if err != nil {
		o.log.Warn("checking a replica", slog.String(logkey.Replica, owner), slog.Any(logkey.Error, err))
		return true
	}
	return ok
}

// claim takes w for this replica for ClaimLease; false when it is no longer due (delivered, superseded
// or claimed meanwhile) or the claim failed.
func (o *Outbox) claim(ctx context.Context, w *model.OutboxWrite) bool {
	now := o.now()
	ok, err := o.st.ClaimWrite(ctx, w.ID, o.owner, now, now.Add(o.claimLease))
	if err != nil && ctx.Err() == nil {
		o.log.Warn("claiming write", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	return ok && err == nil
}

// expectEcho notes, here and on every other replica, that w is about to be written, so that the
// vendor's notification of it is recognised as its echo wherever it arrives.
func (o *Outbox) expectEcho(ctx context.Context, w *model.OutboxWrite) {
	o.echoes.expect(w.ConnectionID, w.ExternalID, w.VendorState)
	err := o.bus.Publish(ctx, bus.Event{Kind: bus.KindWriteExpected, TenantID: w.TenantID, AgentID: w.AgentID,
		ConnectionID: w.ConnectionID, ExternalID: w.ExternalID, VendorState: w.VendorState})
	if err != nil {
		o.log.Warn("announcing a write to other replicas", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
}

// answerEcho notes, here and on every other replica, that the vendor answered w at (or that the request
// timed out then): a change it stamps later (later than lateApply after a timeout) is no echo of w.
func (o *Outbox) answerEcho(ctx context.Context, w *model.OutboxWrite, at time.Time, timedOut bool) {
	o.echoes.answer(w.ConnectionID, w.ExternalID, w.VendorState, at, timedOut)
	err := o.bus.Publish(context.WithoutCancel(ctx), bus.Event{Kind: bus.KindWriteExpected, TenantID: w.TenantID, AgentID: w.AgentID,
		ConnectionID: w.ConnectionID, ExternalID: w.ExternalID, VendorState: w.VendorState, Answered: at, TimedOut: timedOut})
	if err != nil {
		o.log.Warn("announcing a write's answer to other replicas", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
}
