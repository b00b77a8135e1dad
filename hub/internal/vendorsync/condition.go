package vendorsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// A write made only while its vendor still shows a state (model.OutboxWrite.IfState): the hub's status
// owed to a vendor whose own change flow control held and then let go unapplied (docs/sync.md,
// "Ordering, newest wins"). The vendor was showing the state it reported; if it shows another now, a
// person picked it there after that report and the hub has yet to hear of it: writing the status would
// overwrite their choice (seeds 28497, 41172). The write stands down instead, and the report of the new
// pick decides like any other. A vendor that cannot be read delays the write; one whose connection only
// takes writes (ErrUnsupported) gets it unconditionally.

// errCondition wraps a failed read of the vendor before a conditional write.
var errCondition = errors.New("reading the vendor before a conditional write")

// standsDown reads the vendor for a conditional write and reports whether it must not be made, and why;
// agentCtx tells the adapter whom the write is for (withAgent). A failed read answers an error wrapping
// errCondition: nothing was sent.
func (o *Outbox) standsDown(agentCtx context.Context, l *link, w *model.OutboxWrite) (bool, string, error) {
	if w.IfState == "" {
		return false, "", nil
	}
	vs, err := l.adapter.GetState(agentCtx, w.ExternalID)
	if errors.Is(err, vendorapi.ErrUnsupported) {
		return false, "", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("%w: %w", errCondition, err)
	}
	if vs.State == w.IfState {
		return false, "", nil
	}
	return true, fmt.Sprintf("not written: the vendor shows %q, not the %q it reported; a change made there since decides", vs.State, w.IfState), nil
}

// stoodDown records a conditional write that was not made.
func (o *Outbox) stoodDown(ctx context.Context, w *model.OutboxWrite, vendorName, reason string) {
	if err := o.st.MarkStoodDown(ctx, w.ID, reason, o.now()); err != nil {
		o.log.Warn("marking write stood down", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	o.written(ctx, w)
	o.metrics.writes.WithLabelValues(vendorName, "stood_down").Inc()
	o.log.Info("vendor write not made: the vendor changed since it reported", slog.String(logkey.WriteID, w.ID),
		slog.String(logkey.Connection, w.ConnectionID), slog.String(logkey.AgentID, w.AgentID), slog.String(logkey.Reason, reason))
}

// conditionUnread puts back a conditional write whose vendor could not be read: no attempt is counted
// (nothing was sent, so its state is never taken for this write's echo), tried again after as long as
// it has waited so far (between the outbox's least and greatest backoff), or the vendor's Retry-After.
func (o *Outbox) conditionUnread(ctx context.Context, w *model.OutboxWrite, err error) {
	now := o.now()
	wait := min(o.maxBackoff, max(o.minBackoff, now.Sub(w.CreateTime)))
	next := now.Add(max(wait, vendorapi.RetryAfter(err)))
	if err := o.st.MarkFailed(ctx, w.ID, w.Attempts, next, err.Error(), false, now); err != nil {
		o.log.Warn("marking write failed", slog.String(logkey.WriteID, w.ID), slog.Any(logkey.Error, err))
	}
	_ = o.st.RecordError(ctx, w.TenantID, w.ConnectionID, err.Error(), now)
	o.written(ctx, w)
}
