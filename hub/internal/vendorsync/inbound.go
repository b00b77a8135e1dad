package vendorsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// Inbound takes in what vendors report: webhook deliveries (verified, replays and stale events dropped)
// and polls; each change is checked against the hub's own writes (echoes are dropped), matched to an
// agent by linked identity, mapped by the agent's rule and handed to the engine. Webhooks reach every
// replica; Run, the polls, runs on the leader only.
type Inbound struct {
	st           Store
	conns        *connections
	echoes       *echoes
	router       *Router
	engine       *presence.Engine
	outbox       *Outbox // reassertions are queued there
	metrics      *Metrics
	log          *slog.Logger
	clock        clock.Clock
	pollInterval time.Duration
	observe      func(connectionID string, ch vendorapi.Change, outcome string) // Options.Observe
	// lastForget is when expired webhook deliveries were last deleted (unix nanoseconds; replay.go).
	lastForget atomic.Int64
}

// now is the time on the inbound side's clock, in UTC.
func (in *Inbound) now() time.Time { return in.clock.Now().UTC() }

// Outcomes of one reported change, for metrics and webhook answers.
const (
	inApplied = "applied"
	inEcho    = "echo"
	inUnknown = "unknown_user"
	inIgnored = "unmapped"
	inFailed  = "failed"
)

// Receive applies the changes a connection's vendor notified (webhooks: late and unordered
// possibly), one by one, and counts the outcomes.
func (in *Inbound) Receive(ctx context.Context, c *model.Connection, changes []vendorapi.Change) map[string]int {
	return in.receiveAll(ctx, c, changes, false)
}

// ReceivePolled applies the changes a poll read: the vendor's states in order, as they are now.
func (in *Inbound) ReceivePolled(ctx context.Context, c *model.Connection, changes []vendorapi.Change) map[string]int {
	counts := map[string]int{}
	fresh := changes[:0:0]
	for _, ch := range changes {
		// A polled change's stamp counts as received for that vendor user, as a webhook's does: a
		// notification of an older change arriving later (delayed, or replayed after a restart) is
		// stale, not applied over what the poll reported (seed 629).
		if !ch.Time.IsZero() {
			stale, err := in.st.MarkUserEvent(ctx, c.ID, ch.ExternalID, ch.Time, ch.State)
			if err != nil {
				in.log.Warn("recording a polled change's time", slog.String(logkey.Connection, c.ID), slog.Any(logkey.Error, err))
			} else if stale {
				counts[inStale]++
				in.metrics.inbound.WithLabelValues(c.Vendor, inStale).Inc()
				continue
			}
		}
		fresh = append(fresh, ch)
	}
	for k, n := range in.receiveAll(ctx, c, fresh, true) {
		counts[k] += n
	}
	return counts
}

func (in *Inbound) receiveAll(ctx context.Context, c *model.Connection, changes []vendorapi.Change, ordered bool) map[string]int {
	counts := map[string]int{}
	for _, ch := range changes {
		out := in.receive(ctx, c, ch, ordered)
		counts[out]++
		if in.observe != nil {
			in.observe(c.ID, ch, out)
		}
		in.metrics.inbound.WithLabelValues(c.Vendor, out).Inc()
	}
	return counts
}

func (in *Inbound) receive(ctx context.Context, c *model.Connection, ch vendorapi.Change, ordered bool) string {
	log := in.log.With(slog.String(logkey.Connection, c.ID), slog.String(logkey.ExternalID, ch.ExternalID), slog.String(logkey.State, ch.State))
	// The echo of our own write: the state we wrote to that user, not stamped after the vendor answered
	// it. A change marked as API-made (Zendesk PUBLIC_API) is not an echo for that alone: a person's
	// script or another integration uses the API too.
	if in.echoes.consume(c.ID, ch.ExternalID, ch.State, ch.Time, ordered) {
		log.Debug("dropping the echo of our write")
		return inEcho
	}
	agent, err := in.st.AgentByIdentity(ctx, c.TenantID, c.ID, ch.ExternalID)
	if errors.Is(err, store.ErrNotFound) {
		log.Debug("change for a vendor user linked to no agent")
		return inUnknown
	}
	if err != nil {
		log.Warn("finding agent", slog.Any(logkey.Error, err))
		return inFailed
	}
	if in.sentBefore(ctx, c, agent, ch) {
		log.Debug("dropping the late echo of our write")
		return inEcho
	}
	_, rule, err := in.router.Rule(ctx, c.ID, agent)
	if err != nil {
		log.Warn("finding rule", slog.Any(logkey.Error, err))
		return inFailed
	}
	req := presence.Request{TenantID: c.TenantID, AgentID: agent.ID, Source: model.SourceConnection, SourceID: c.ID, VendorState: ch.State, At: ch.Time}
	status, fallback, ok := inboundFor(rule, ch.State)
	if !ok {
		req.Status = ""
		if rule != nil {
			req.RuleID = rule.ID
		}
		in.engine.Ignore(ctx, req, fmt.Sprintf("%s reported %q, which no rule maps: not synced", c.Name, ch.State))
		return inIgnored
	}
	req.Status, req.RuleID, req.Reason = status, rule.ID, fmt.Sprintf("%s: %s", c.Name, ch.State)
	if fallback {
		req.Reason += " (not mapped: the rule's fallback)"
	}
	received := in.now()
	res, err := in.engine.Apply(ctx, req)
	if errors.Is(err, presence.ErrUnknownStatus) && rule.FallbackStatus != "" {
		req.Status = rule.FallbackStatus
		res, err = in.engine.Apply(ctx, req)
	}
	if err != nil {
		log.Warn("applying vendor change", slog.Any(logkey.Error, err))
		return inFailed
	}
	log.Debug("applied vendor change", slog.String(logkey.Result, res.Outcome))
	if res.Outcome == presence.OutcomeStale {
		return inStale // the hub's newer status stands, and so do the writes it owes this vendor
	}
	// What we still meant to write to this vendor is older than what it just reported (the change
	// plans no write to its own source, so the writes it planned are not among them).
	// Only writes planned up to the version this change was taken at: one planned for a newer status,
	// made by another change since, stands.
	upTo := int64(math.MaxInt64)
	if res.Presence != nil {
		upTo = res.Presence.Version
	}
	if err := in.st.SupersedePending(ctx, agent.ID, c.ID, upTo, received); err != nil {
		log.Warn("superseding writes", slog.Any(logkey.Error, err))
	}
	if states := in.mayShowOverIt(ctx, c, agent, ch); len(states) > 0 {
		p := res.Presence
		if res.Outcome == presence.OutcomeCoalesced {
			// Held by flow control: the hub is still on its older status, and the change becomes the
			// status when it is let through — with no write back to this vendor, its source. Writing
			// the older status now would land after the person's choice and stay; the vendor is held to
			// the status the hub is heading for instead.
			held := *p
			held.Status = req.Status
			p = &held
		}
		in.reassert(ctx, c, rule, ch.ExternalID, p, states)
	}
	return inApplied
}

// reassert writes the hub's status back to the vendor that just reported a change, when a write of the
// hub's to that user (states) may show there over it: the vendor's notification may predate our write.
// A write whose state is the one the rule wants for the status, or reads back as that status, leaves
// the vendor agreeing with the hub whichever shows: nothing is written (simulation seed 1330: a
// Genesys Meal, which reads as the hub's Lunch, was overwritten with Away). Writing the state the vendor
// reported is harmless if it is already there (the echo is dropped).
func (in *Inbound) reassert(ctx context.Context, c *model.Connection, rule *model.Rule, externalID string, p *model.Presence, states []string) {
	want, ok := in.router.Want(ctx, c.TenantID, rule, p.Status)
	if !ok {
		return
	}
	if !slices.ContainsFunc(states, func(s string) bool {
		st, mapped := inboundStatus(rule, s)
		return s != want && (!mapped || st != p.Status)
	}) {
		return
	}
	in.outbox.enqueue(ctx, c.ID, externalID, p, rule, want)
}

// mayShowOverIt returns the states of the hub's writes the vendor may show over the change it just
// reported (none: the vendor shows the change): those the hub wrote to that user lately and the
// vendor answered no earlier than the change's stamp (echoes.landable), or — what survives a restart —
// the newest write the vendor accepted for that user, when it answered it no earlier than the change's
// stamp, so it may have landed after the person's pick (seed 72259: a webhook delayed across two
// restarts reported a pick the hub's later write had replaced).
func (in *Inbound) mayShowOverIt(ctx context.Context, c *model.Connection, agent *model.Agent, ch vendorapi.Change) []string {
	if states := in.echoes.landable(c.ID, ch.ExternalID, ch.Time); len(states) > 0 || ch.Time.IsZero() {
		return states
	}
	w, err := in.st.LastDelivered(ctx, c.TenantID, agent.ID, c.ID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			in.log.Warn("reading the last write delivered to a vendor user", slog.String(logkey.Connection, c.ID), slog.Any(logkey.Error, err))
		}
		return nil
	}
	if w.ExternalID == ch.ExternalID && notAfterStored(ch.Time, w.UpdateTime) {
		return []string{w.VendorState}
	}
	return nil
}

// sentBefore reports whether a change the in-memory echo check missed is still the echo of one of
// the hub's writes, by the durable outbox: the hub sent that state to that vendor user and the vendor
// stamped the change no later than it last answered that write. The in-memory expectations forget a
// write echo_window after its answer and on a restart; a webhook delayed longer than that (or a write
// whose answer timed out, which the vendor applied anyway) is caught here. An unstamped change cannot
// be placed before or after the write: lastSentUnstamped judges it.
func (in *Inbound) sentBefore(ctx context.Context, c *model.Connection, agent *model.Agent, ch vendorapi.Change) bool {
	if ch.Time.IsZero() {
		return in.lastSentUnstamped(ctx, c, agent, ch)
	}
	w, err := in.st.LastSent(ctx, c.TenantID, agent.ID, c.ID, ch.ExternalID, ch.State)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			in.log.Warn("reading the writes sent to a vendor user", slog.String(logkey.Connection, c.ID), slog.Any(logkey.Error, err))
		}
		return false
	}
	return notAfterStored(ch.Time, w.UpdateTime)
}

// notAfterStored reports whether a vendor's stamp is no later than a time the store kept, which keeps
// microseconds: the stamp is cut the same way (seed 71144: a Talkdesk stamp 60 ns after the write's
// stored answer made the late echo of that write a change).
func notAfterStored(stamp, stored time.Time) bool {
	return !stamp.Truncate(time.Microsecond).After(stored)
}

// lastSentUnstamped reports whether an unstamped change the in-memory echo check missed (a restart, or
// past the echo window) is the echo of a write of the hub's, by the durable outbox and timeline: the
// hub sent that state to that vendor user, no write the vendor accepted there since replaced it, and
// the hub took no change from that vendor for the agent after the vendor answered it. Such a vendor
// shows what the hub wrote; a person who picked another state since would have been reported and
// taken (simulation seeds 1 and 376 with Teams: a poll after a restart read the hub's own Away — a
// later write had failed — and moved the agent from break to lunch).
func (in *Inbound) lastSentUnstamped(ctx context.Context, c *model.Connection, agent *model.Agent, ch vendorapi.Change) bool {
	w, err := in.st.LastSent(ctx, c.TenantID, agent.ID, c.ID, ch.ExternalID, ch.State)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			in.log.Warn("reading the writes sent to a vendor user", slog.String(logkey.Connection, c.ID), slog.Any(logkey.Error, err))
		}
		return false
	}
	if d, err := in.st.LastDelivered(ctx, c.TenantID, agent.ID, c.ID); err == nil && d.ExternalID == ch.ExternalID &&
		d.ID > w.ID && d.VendorState != ch.State {
		return false // the vendor took a later write of another state: it moved past this one
	}
	taken, err := in.st.LastTakenFrom(ctx, c.TenantID, agent.ID, c.ID)
	if err != nil {
		in.log.Warn("reading the last change taken from a vendor", slog.String(logkey.Connection, c.ID), slog.Any(logkey.Error, err))
		return false
	}
	return !taken.After(w.UpdateTime)
}
