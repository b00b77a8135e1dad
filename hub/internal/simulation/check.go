package simulation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
)

// check runs the end-of-run checks (a)–(d) on what the hub committed and what the vendors show;
// (e) was checked on every request as it happened.
func (w *World) check(ctx context.Context, st *store.DB) {
	for i, a := range w.agents {
		focus := fmt.Sprintf("a%d", i)
		entries, err := timeline(ctx, st, w.tenant, a.id)
		if err != nil {
			w.violateFor(checkAcked, focus, fmt.Sprintf("a%d: reading the timeline: %v", i, err))
			continue
		}
		cur, err := st.GetPresence(ctx, w.tenant, a.id)
		if errors.Is(err, store.ErrNotFound) {
			cur, err = &model.Presence{Status: "offline"}, nil
		}
		if err != nil {
			w.violateFor(checkAcked, focus, fmt.Sprintf("a%d: reading presence: %v", i, err))
			continue
		}
		applied := appliedEntries(entries)
		if os.Getenv("SIM_TIMELINE") != "" { // a debugging aid: the timeline as the hub stored it
			for _, e := range entries {
				fmt.Printf("TL a%d %s v%d %s req=%s %s→%s src=%s %q queued=%s\n", i, w.at(e.CreateTime), e.Version, e.Outcome, e.RequestedStatus, e.PreviousStatus, e.Status, e.Source, e.Reason, cur.QueuedStatus)
			}
		}
		sent := map[string][]*model.OutboxWrite{}
		for _, conn := range w.conns {
			if sent[conn], err = agentWrites(ctx, st, w.tenant, conn, a.id); err != nil {
				w.violateFor(checkAcked, focus, fmt.Sprintf("a%d: reading the writes: %v", i, err))
			}
		}
		w.checkReasons(i, applied, sent)
		w.checkAcks(i, entries, cur)
		w.checkVendors(ctx, st, i, cur, applied)
		w.checkLoops(ctx, st, i, applied)
	}
}

// timeline is an agent's whole timeline, oldest first (by time, then version).
func timeline(ctx context.Context, st *store.DB, tenant, agent string) ([]*model.TimelineEntry, error) {
	var all []*model.TimelineEntry
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		list, next, err := st.ListTimeline(ctx, tenant, agent, p)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if p.Token = next; next == "" {
			break
		}
	}
	slices.SortStableFunc(all, func(a, b *model.TimelineEntry) int {
		return cmp.Or(a.CreateTime.Compare(b.CreateTime), cmp.Compare(a.Version, b.Version))
	})
	return all, nil
}

// appliedEntries are the entries that changed the status, by version.
func appliedEntries(entries []*model.TimelineEntry) []*model.TimelineEntry {
	var out []*model.TimelineEntry
	for _, e := range entries {
		if e.Outcome == presence.OutcomeApplied {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *model.TimelineEntry) int { return cmp.Compare(a.Version, b.Version) })
	return out
}

// vendorOf names the vendor of a connection id ("" if none).
func (w *World) vendorOf(conn string) string {
	for v, c := range w.conns {
		if c == conn {
			return v
		}
	}
	return ""
}

// checkReasons is check (a): every status change names an allowed cause — the agent's device, an
// admin, or a connection whose person really picked, before, a state the rule maps to that status.
// A change citing a vendor state the person had already left there is stale (newest wins) — unless
// the later pick is one the hub may take for the echo of its own write (sent lists its writes per
// connection).
func (w *World) checkReasons(i int, applied []*model.TimelineEntry, sent map[string][]*model.OutboxWrite) {
	focus := fmt.Sprintf("a%d", i)
	for _, e := range applied {
		what := fmt.Sprintf("a%d v%d %s→%s (source %s, %q) at %s", i, e.Version, e.PreviousStatus, e.Status, e.Source, e.Reason, w.at(e.CreateTime))
		switch e.Source {
		case model.SourceDevice, model.SourceAdmin:
			continue
		case model.SourceConnection:
		default:
			w.violateFor(checkReason, focus, what+": not an allowed source")
			continue
		}
		vendor := w.vendorOf(e.SourceID)
		rule := w.rules[e.SourceID]
		if vendor == "" || rule == nil {
			w.violateFor(checkReason, focus, what+": names no connection of the tenant")
			continue
		}
		changes := w.person[personKey(e.SourceID, w.agents[i].users[vendor])]
		cause := -1 // the person's newest change that justifies it
		for k, p := range changes {
			if p.at.After(e.CreateTime) {
				break
			}
			if w.maps(rule, p, e.RequestedStatus) {
				cause = k
			}
		}
		justified, latest := cause >= 0, true
		if justified {
			// Stale: the hub had already been told of a newer change there (newest wins over what it knew),
			// newer by the vendor's own stamps: two changes within one tick of its clock cannot be ordered.
			tick := stampResolution[vendor]
			for k, p := range changes[cause+1:] {
				if _, mapped := inbound(rule, p.state); !mapped && rule.FallbackStatus == "" {
					continue // an unmapped state is not synced: it changes nothing, nor cancels what came before
				}
				if _, asked := inbound(rule, p.asked); !asked && rule.FallbackStatus == "" && p.state == changes[cause+k].state {
					// Nor does a pick of an unmapped state that left the vendor showing what it showed (seed
					// 85632: Aircall's custom availability picked during a call, reported as custom).
					continue
				}
				if !p.known.IsZero() && !p.known.After(e.CreateTime) && p.at.Truncate(tick).After(changes[cause].at.Truncate(tick)) &&
					!takenForEcho(p, tick, sent[e.SourceID]) {
					latest = false
				}
			}
		}
		switch {
		case !justified && w.byDrift(e):
			w.violateFor(checkDriftApply, focus, fmt.Sprintf("%s: drift repair applied a %s state nobody there picked as %s", what, vendor, e.RequestedStatus))
		case !justified:
			w.violateFor(checkReason, focus, fmt.Sprintf("%s: nobody in %s picked a state its rule maps to %s", what, vendor, e.RequestedStatus))
		case !latest:
			w.violateFor(checkStale, focus, fmt.Sprintf("%s: the person in %s had picked another state since", what, vendor))
		}
	}
}

// takenForEcho reports whether the hub may take the person's pick p for the echo of one of its own
// writes (docs/sync.md, "Known gaps"): the hub sent that very state there, and the vendor's stamp of p
// (to its resolution tick) is no later than the vendor's answer to that write — a person who picks, in
// Aircall, the state the hub wrote there within the same second (seed 55521: Offline, which Aircall
// shows as unavailable, just after the hub wrote unavailable).
func takenForEcho(p personChange, tick time.Duration, sent []*model.OutboxWrite) bool {
	return slices.ContainsFunc(sent, func(wr *model.OutboxWrite) bool {
		return wr.Attempts > 0 && wr.VendorState == p.state && !p.at.Truncate(tick).After(wr.UpdateTime)
	})
}

// stampResolution is how finely a vendor stamps its changes where it is coarser than the simulation
// needs: Aircall's webhooks carry a Unix time in seconds, ServiceNow's sys_updated_on whole seconds.
var stampResolution = map[string]time.Duration{"aircall": time.Second, "servicenow": time.Second}

// byDrift reports whether a connection's change came from drift repair: its reason says so, or it was
// made while a drift-repair round ran (a queued status applied in its stead names the queue instead).
func (w *World) byDrift(e *model.TimelineEntry) bool {
	return e.Source == model.SourceConnection && (strings.HasPrefix(e.Reason, "read back from ") || w.duringDrift(e.CreateTime))
}

// maps reports whether the rule maps what the person did to status (or falls back to it): the state
// asked for, the one reached, or one the vendor reported on the way.
func (w *World) maps(rule *model.Rule, p personChange, status string) bool {
	for _, s := range append([]string{p.asked, p.state}, p.passed...) {
		in, ok := inbound(rule, s)
		if ok && in == status || !ok && rule.FallbackStatus == status {
			return true
		}
	}
	return false
}

func inbound(rule *model.Rule, state string) (string, bool) {
	for _, m := range rule.Inbound {
		if m.VendorState == state {
			return m.Status, true
		}
	}
	return "", false
}

func outbound(rule *model.Rule, status string) (string, bool) {
	for _, m := range rule.Outbound {
		if m.Status == status {
			return m.VendorState, true
		}
	}
	return "", false
}

// checkAcks is check (b): what the hub acknowledged is in the timeline after every restart — applied
// and queued changes at their version; a coalesced (held) one applied later, or overtaken by a newer
// change, or already the final status.
func (w *World) checkAcks(i int, entries []*model.TimelineEntry, cur *model.Presence) {
	focus := fmt.Sprintf("a%d", i)
	for _, k := range w.acks {
		if k.agent != i {
			continue
		}
		what := fmt.Sprintf("a%d: %s's %s acknowledged %s (v%d) at %s", i, k.source, k.status, k.outcome, k.version, w.at(k.at))
		switch k.outcome {
		case presence.OutcomeApplied, presence.OutcomeQueued:
			if !slices.ContainsFunc(entries, func(e *model.TimelineEntry) bool {
				return e.Outcome == k.outcome && e.Version == k.version && e.RequestedStatus == k.status
			}) {
				w.violateFor(checkAcked, focus, what+": not in the timeline")
			}
		case presence.OutcomeCoalesced:
			// Overtaken: a change applied or queued since, or a newer request acknowledged for the agent
			// (a later held change replaces this one; its own check follows it). One taken at the same
			// virtual instant counts: it may have come after (seed 47724: a Teams pick polled in the
			// instant a tray's change was held replaced it).
			later := slices.ContainsFunc(entries, func(e *model.TimelineEntry) bool {
				return !e.CreateTime.Before(k.at) && (e.Outcome == presence.OutcomeApplied || e.Outcome == presence.OutcomeQueued)
			}) || slices.ContainsFunc(append(slices.Clone(w.acks), w.takenAcks()...), func(k2 ack) bool { return k2.agent == i && k2 != k && !k2.at.Before(k.at) }) ||
				w.toldLater(i, k.at)
			if !later && cur.Status != k.status && cur.QueuedStatus != k.status {
				w.violateFor(checkAckedHeld, focus, fmt.Sprintf("%s: never applied nor overtaken; the agent ended %s", what, cur.Status))
			}
		}
	}
}

// toldLater reports whether the hub was told of a person's change inside a vendor made after t for
// agent i (by a webhook or a poll) that its rule maps: a newer change, which replaces a held one. One
// made less than presence.StampGrace before t counts too: the contract does not order a vendor's stamp
// that close to the hub's own time (whole-second stamps, NTP-close clocks).
func (w *World) toldLater(i int, t time.Time) bool {
	t = t.Add(-presence.StampGrace)
	for _, v := range w.order {
		rule := w.rules[w.conns[v]]
		if rule == nil {
			continue
		}
		for _, p := range w.person[personKey(w.conns[v], w.agents[i].users[v])] {
			if _, mapped := inbound(rule, p.state); p.at.After(t) && !p.known.IsZero() && (mapped || rule.FallbackStatus != "") {
				return true
			}
		}
	}
	return false
}

// checkVendors is check (c), after the quiet time: where the person's choice inside a vendor is newer
// than the hub's last change, the vendor still shows it (the hub leaves it alone; a write that was
// already on its way may land); otherwise every vendor whose rule writes the hub's status shows the
// mapped state (or one its rule reads as that status), unless the vendor holds the write (agent busy).
func (w *World) checkVendors(ctx context.Context, st *store.DB, i int, cur *model.Presence, applied []*model.TimelineEntry) {
	focus := fmt.Sprintf("a%d", i)
	var th time.Time
	if len(applied) > 0 {
		th = applied[len(applied)-1].CreateTime
	}
	// A newer request of the agent or an admin that the hub took without applying it yet (queued during
	// a system state, held by flow control) also replaces a mapped choice made inside a vendor before it
	// (the hub took that choice as a change; it is not the hub's status). An unmapped choice stands until
	// the status itself changes.
	thMapped := th
	for _, k := range w.acks {
		if k.agent == i && (k.outcome == presence.OutcomeQueued || k.outcome == presence.OutcomeCoalesced) && k.at.After(thMapped) {
			thMapped = k.at
		}
	}
	for _, vendor := range w.order {
		conn, ext := w.conns[vendor], w.agents[i].users[vendor]
		rule := w.rules[conn]
		if rule == nil {
			continue
		}
		vs, err := w.vendors[vendor].em.State(ext)
		if err != nil {
			w.violateFor(checkConverge, focus, fmt.Sprintf("a%d: reading %s: %v", i, vendor, err))
			continue
		}
		writes, err := agentWrites(ctx, st, w.tenant, conn, w.agents[i].id)
		if err != nil {
			w.violateFor(checkConverge, focus, fmt.Sprintf("a%d: listing %s writes: %v", i, vendor, err))
			continue
		}
		changes := w.person[personKey(conn, ext)]
		if os.Getenv("SIM_TIMELINE") != "" {
			for _, x := range writes {
				fmt.Printf("WR a%d %s %s %s created %s answered %s attempts=%d %q\n", i, vendor, x.VendorState, x.State, w.at(x.CreateTime), w.at(x.UpdateTime), x.Attempts, x.LastError)
			}
		}
		if n := len(changes); n > 0 && !changes[n-1].at.Before(th) {
			p := changes[n-1]
			if vs == p.state {
				continue
			}
			if want, ok := outbound(rule, cur.Status); ok && vs == want && p.at.Before(w.newestFor(rule, p, th, w.takenElsewhere(i, vendor, thMapped))) {
				continue // a newer request replaced the person's mapped choice; the vendor was written the status
			}
			if last := lastDelivered(writes); last != nil && !last.CreateTime.After(p.at) && !last.UpdateTime.Before(p.at) && vs == last.VendorState {
				continue // a write already on its way when the person chose (queued at that instant or before, answered then or later)
			}
			check, by := checkUnmapped, ""
			if x := overwrite(writes, p.at); x != nil {
				by = fmt.Sprintf("; overwritten by a write of %s queued at %s", x.VendorState, w.at(x.CreateTime))
				if w.duringDrift(x.CreateTime) {
					check, by = checkDriftOverwrite, by+" by drift repair"
				}
			}
			w.violateFor(check, focus, fmt.Sprintf("a%d: %s shows %s, but the person's choice there (%s at %s) is newer than the hub's last change (%s at %s)%s",
				i, vendor, vs, p.state, w.at(p.at), cur.Status, w.at(th), by))
			continue
		}
		if n, k := len(applied), len(changes); n > 0 && k > 0 && applied[n-1].Source == model.SourceConnection &&
			applied[n-1].SourceID == conn && vs == changes[k-1].state {
			continue // the hub's status came from this vendor, so nothing is written back there: it shows the person's latest pick
		}
		want, ok := outbound(rule, cur.Status)
		if !ok || len(applied) == 0 && len(writes) == 0 {
			continue // not written there, or the agent's first status, which nothing announced yet
		}
		if in, ok := inbound(rule, vs); vs == want || ok && in == cur.Status {
			continue
		}
		if n := len(writes); n > 0 && writes[n-1].State != model.WriteDelivered && held(writes[n-1]) {
			continue
		}
		if last := lastDelivered(writes); busyStates[vs] && last != nil && last.VendorState == want && last.UpdateTime.After(th) {
			continue // written; the vendor shows the call (or wrap-up, or logged-out) it is in instead
		}
		last := "none"
		if n := len(writes); n > 0 {
			lw := writes[n-1]
			last = fmt.Sprintf("%s %s attempts=%d %q", lw.VendorState, lw.State, lw.Attempts, lw.LastError)
		}
		w.violateFor(checkConverge, focus, fmt.Sprintf("a%d: %s shows %s after the quiet time; the hub is %s, which its rule writes as %s (last write: %s)",
			i, vendor, vs, cur.Status, want, last))
	}
}

// takenElsewhere is t, or a later change the hub took from a person in another vendor than vendor for
// agent i (applied, queued or held): newer, it replaces a pick made inside vendor before it.
func (w *World) takenElsewhere(i int, vendor string, t time.Time) time.Time {
	for _, k := range w.takenAcks() {
		if k.agent == i && k.source != vendor && k.at.After(t) {
			t = k.at
		}
	}
	return t
}

// newestFor is the hub's newest change a person's choice p inside a vendor is judged against: th, the
// status's last change, or for a state the rule maps (a change the hub took), thMapped, which counts the
// agent's and admins' newer requests not applied yet too: such a choice may stand, or the vendor be
// written the hub's status.
func (w *World) newestFor(rule *model.Rule, p personChange, th, thMapped time.Time) time.Time {
	if _, mapped := inbound(rule, p.state); mapped || rule.FallbackStatus != "" {
		return thMapped
	}
	return th
}

// overwrite is the newest write delivered that was queued after the person's choice at t (nil if none).
func overwrite(writes []*model.OutboxWrite, t time.Time) *model.OutboxWrite {
	var last *model.OutboxWrite
	for _, x := range writes {
		if x.State == model.WriteDelivered && x.CreateTime.After(t) {
			last = x
		}
	}
	return last
}

// busyStates are vendor states that show instead of whatever was written while they last: calls,
// wrap-up, a logged-out agent.
var busyStates = map[string]bool{"in_call": true, "after_call_work": true, "on_call": true, "InboundContact": true,
	"AfterCallWork": true, "LoggedOut": true, "Offline": true, "offline": true,
	// Teams' own call and meeting activities show over any presence; Genesys's routing states over its presence.
	"InACall": true, "InAConferenceCall": true, "InAMeeting": true, "Presenting": true,
	"interacting": true, "communicating": true, "not_responding": true}

// held reports whether a write waits or was dropped because the agent is busy in the vendor.
func held(w *model.OutboxWrite) bool {
	return len(w.LastError) > 8 && (w.LastError[:8] == "waiting:" || w.LastError[:8] == "dropped:")
}

// agentWrites lists an agent's writes to a connection, oldest first.
func agentWrites(ctx context.Context, st *store.DB, tenant, conn, agentID string) ([]*model.OutboxWrite, error) {
	var out []*model.OutboxWrite
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		list, next, err := st.ListWrites(ctx, tenant, conn, "", p)
		if err != nil {
			return nil, err
		}
		for _, w := range list {
			if w.AgentID == agentID {
				out = append(out, w)
			}
		}
		if p.Token = next; next == "" {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b *model.OutboxWrite) int {
		return cmp.Or(a.CreateTime.Compare(b.CreateTime), cmp.Compare(a.PresenceVersion, b.PresenceVersion))
	})
	return out, nil
}

func lastDelivered(writes []*model.OutboxWrite) *model.OutboxWrite {
	var last *model.OutboxWrite
	for _, w := range writes {
		if w.State == model.WriteDelivered && (last == nil || w.UpdateTime.After(last.UpdateTime)) {
			last = w
		}
	}
	return last
}

// checkLoops is check (d): changes and writes stay bounded by what caused them — no ping-pong between
// the hub and the vendors.
func (w *World) checkLoops(ctx context.Context, st *store.DB, i int, applied []*model.TimelineEntry) {
	focus := fmt.Sprintf("a%d", i)
	causes := 0
	for _, k := range w.acks {
		if k.agent == i {
			causes++
		}
	}
	for _, v := range w.order {
		causes += len(w.person[personKey(w.conns[v], w.agents[i].users[v])])
	}
	// Changes drift repair made up are already violations of a-drift-apply; they are not counted here,
	// so that this check stands on its own while that bug is open.
	changes := 0
	for _, e := range applied {
		if !w.byDrift(e) {
			changes++
		}
	}
	if changes > 2*causes+2 {
		w.violateFor(checkLoops, focus, fmt.Sprintf("a%d: %d status changes (besides drift repair's) from %d requests and vendor changes", i, changes, causes))
	}
	for _, v := range w.order {
		conn := w.conns[v]
		writes, err := agentWrites(ctx, st, w.tenant, conn, w.agents[i].id)
		if err != nil {
			continue
		}
		delivered := 0
		for _, x := range writes {
			if x.State == model.WriteDelivered {
				delivered++
			}
		}
		mine := len(w.person[personKey(conn, w.agents[i].users[v])])
		if bound := 3*(len(applied)+mine) + 3; delivered > bound {
			w.violateFor(checkLoops, focus, fmt.Sprintf("a%d: %d writes delivered to %s for %d status changes and %d changes there (bound %d)",
				i, delivered, v, len(applied), mine, bound))
		}
	}
}
