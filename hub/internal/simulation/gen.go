package simulation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing/synctest"
	"time"

	"presencehub.dev/hub/internal/emulator/cxoneemu"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
)

// personStates are what a person inside each vendor may pick, in the adapter's vocabulary: states the
// templates map, system states (calls, wrap-up, ACW, refused, logged out) and states no rule maps
// (Aircall's Automatic Schedule "custom", Zendesk custom statuses, Salesforce's Lunch, a Talkdesk custom
// Busy). "finish" ends a CXone contact or ACW. Nobody acts inside the punch clock (it is write-only).
var personStates = map[string][]string{
	"aircall":    {"available", "unavailable", "custom", "in_call", "after_call_work", "offline"},
	"zendesk":    {"online", "offline", "away", "transfers_only", "custom:123", "custom:124"},
	"salesforce": {"Available_for_Chats", "Busy", "On_Break", "Lunch", "Available", "Offline"},
	"cxone": {cxoneemu.Available, cxoneemu.Unavailable, cxoneemu.Refused, cxoneemu.AfterCallWork, "InboundContact",
		cxoneemu.LoggedOut, "finish"},
	"talkdesk":   {"available", "away", "offline", "on_call", "busy:" + talkdeskemu.Lunch.ID},
	"servicenow": {"available", "away", "offline"},
	"teams": {"Available", "Busy", "DoNotDisturb", "BeRightBack", "Away", "Offline", teamsemu.StateAutomatic,
		teamsemu.StateInACall, "call:end", teamsemu.StateInAMeeting, teamsemu.StatePresenting, teamsemu.StateMeetingEnd},
	"genesys": {"available", "away", "busy", "break", "meal", "meeting", "training", "on_queue", "offline",
		genesysemu.StateInteracting, "call:end", genesysemu.StateNotResponding, genesysemu.DefinitionPrefix + genesysemu.Lunch.ID},
}

// ack is a change the hub acknowledged to an agent's tray or an admin.
type ack struct {
	agent   int
	source  string
	status  string
	outcome string
	version int64
	at      time.Time
}

// personChange is what a person did inside a vendor: what they asked for and the state it left.
type personChange struct {
	at    time.Time
	asked string
	state string
	// passed: the states the vendor's webhooks reported on the way (a call's end reports the
	// availability the person returns to before the wrap-up starts).
	passed []string
	// known: when the hub could first know of it (a webhook reporting it delivered, or a poll of the
	// vendor answered after it); zero until then. Newest wins only over what the hub was told.
	known time.Time
}

func personKey(conn, ext string) string { return conn + "|" + ext }

// step runs one generated step of the chaotic phase, then lets time pass.
func (w *World) step(i int) {
	w.trace.step = i
	time.Sleep(time.Millisecond) // what the step does comes strictly after what came before
	if len(w.extra) > 0 && w.xrng.IntN(100) < 35 {
		// The extension's vendors act on their own stream, before the step w.rng draws.
		if w.xrng.IntN(4) == 0 {
			w.startFault(w.xrng, w.extra)
		} else {
			w.personActs(w.xrng, w.extra)
		}
		w.quiesce()
	}
	switch r := w.rng.IntN(100); {
	case r < 16:
		w.agentSets(model.SourceDevice)
	case r < 22:
		w.agentSets(model.SourceAdmin)
	case r < 46:
		w.personActs(w.rng, w.core)
	case r < 56:
		w.startFault(w.rng, w.core)
	case r < 63:
		w.poll()
	case r < 66:
		w.repairDrift()
	case r < 69:
		w.restart()
	}
	w.tick(pick(w.rng, 0, 200*time.Millisecond, time.Second, 3*time.Second, 10*time.Second), true)
}

// tick lets d of virtual time pass, then does what the hub's loops would now: deliver due writes,
// poll and repair drift on their intervals; webhooks meet their fate.
func (w *World) tick(d time.Duration, faulty bool) {
	w.release()
	if d > 0 {
		time.Sleep(d)
	}
	w.quiesce()
	h := w.hub
	now := time.Now()
	if now.Sub(w.lastPoll) >= pollInterval {
		w.poll()
	}
	if now.Sub(w.lastDrift) >= driftInterval {
		w.repairDrift()
	}
	h.mgr.DispatchDue(h.ctx)
	w.quiesce()
	w.webhook.process(w.trace.step, faulty)
	w.quiesce()
}

// quiesce lets what was just started run to its end (or to a held answer): a little virtual time for
// request pacing, then until every goroutine is blocked. Work of one phase does not spill into the
// next, so the interleavings, and the trace, depend only on the seed.
func (w *World) quiesce() {
	time.Sleep(settleTime)
	synctest.Wait()
}

// settleTime is the virtual time each phase gets (requests are paced per connection; the simulated connections allow a billion a minute).
const settleTime = 50 * time.Millisecond

// agentSets has an agent's tray (source device) or an admin (PUT presence) ask for a status.
func (w *World) agentSets(source string) {
	i := w.rng.IntN(len(w.agents))
	status, who := pick(w.rng, w.settable...), "tray"
	if source == model.SourceAdmin {
		status, who = pick(w.rng, w.statuses...), "admin"
	}
	sourceID := fmt.Sprintf("device-a%d", i)
	if source == model.SourceAdmin {
		sourceID = "admin-key"
	}
	res, err := w.hub.engine.Apply(context.Background(), presence.Request{TenantID: w.tenant, AgentID: w.agents[i].id,
		Status: status, Source: source, SourceID: sourceID})
	synctest.Wait()
	if err != nil {
		w.trace.add("a%d %s asks %s: error %v", i, who, status, err)
		return
	}
	w.acks = append(w.acks, ack{agent: i, source: source, status: status, outcome: res.Outcome, version: res.Presence.Version, at: time.Now()})
	w.trace.add("a%d %s asks %s: %s (v%d %s)", i, who, status, res.Outcome, res.Presence.Version, res.Presence.Status)
}

// personActs has a person change their state inside one of vendors (the vendor fires its webhooks),
// drawn from rng.
func (w *World) personActs(rng *rand.Rand, vendors []string) {
	var names []string
	for _, v := range vendors {
		if len(personStates[v]) > 0 {
			names = append(names, v)
		}
	}
	if len(names) == 0 {
		return
	}
	vendor := pick(rng, names...)
	i := rng.IntN(len(w.agents))
	asked := pick(rng, personStates[vendor]...)
	ext := w.agents[i].users[vendor]
	em := w.vendors[vendor].em
	var err error
	before := w.webhook.caughtCount()
	switch {
	case asked == "finish":
		err = em.(*cxoneemu.Emulator).FinishContact(ext)
	case asked == "call:end" && vendor == "teams":
		err = em.(*teamsemu.Emulator).EndCall(ext)
	case asked == "call:end" && vendor == "genesys":
		err = em.(*genesysemu.Emulator).EndInteraction(ext)
	default:
		err = em.Change(ext, asked)
	}
	if err != nil {
		w.trace.add("a%d in %s picks %s: refused by the vendor (%v)", i, vendor, asked, err)
		return
	}
	synctest.Wait() // the vendor's webhooks are caught
	state, _ := em.State(ext)
	k := personKey(w.conns[vendor], ext)
	w.person[k] = append(w.person[k], personChange{at: time.Now(), asked: asked, state: state, passed: w.webhook.reported(before, vendor, i)})
	w.trace.add("a%d in %s picks %s: now %s", i, vendor, asked, state)
}

// learnt records that the hub was told of an agent's state in a vendor now: the person's changes to
// that state (or through it) it had not been told of yet are known from now on.
func (w *World) learnt(vendor string, agent int, state string) {
	changes := w.person[personKey(w.conns[vendor], w.agents[agent].users[vendor])]
	now := time.Now()
	for k := range changes {
		p := &changes[k]
		if p.known.IsZero() && !p.at.After(now) && (p.state == state || slices.Contains(p.passed, state)) {
			p.known = now
		}
	}
}

// polled records a poll round answered without a fault: a vendor the hub polls reported every change
// made before it (except a connection's first poll ever, which only takes a baseline).
func (w *World) polled(at time.Time, baseline map[string]bool) {
	for _, v := range w.order {
		if baseline[v] || !w.polls(v) || w.vendors[v].current(at).kind != faultNone {
			continue
		}
		for _, ag := range w.agents {
			changes := w.person[personKey(w.conns[v], ag.users[v])]
			// A poll reads the vendor's current state: it tells the person's latest pick only if the
			// vendor still shows it (a write of the hub's landing after it replaced it: seed 28409).
			last := -1
			for k := range changes {
				if !changes[k].at.After(at) {
					last = k
				}
			}
			if last < 0 {
				continue
			}
			if now, err := w.vendors[v].em.State(ag.users[v]); err != nil || now != changes[last].state {
				continue
			}
			for k := 0; k <= last; k++ {
				if p := &changes[k]; p.known.IsZero() {
					p.known = at
				}
			}
		}
	}
}

// startFault makes one of vendors misbehave for a while, drawn from rng.
func (w *World) startFault(rng *rand.Rand, vendors []string) {
	vendor := pick(rng, vendors...)
	f := fault{kind: pick(rng, fault5xx, fault429, faultHang, faultSlow),
		until: time.Now().Add(time.Duration(5+rng.IntN(85)) * time.Second)}
	detail := ""
	switch f.kind {
	case fault429:
		f.retryAfter = time.Duration(1+rng.IntN(10)) * time.Second
		detail = fmt.Sprintf(" (Retry-After %s)", f.retryAfter)
	case faultHang:
		if f.processed = rng.IntN(2) == 0; f.processed {
			detail = " (after doing them)"
		}
	}
	w.vendors[vendor].setFault(f)
	w.trace.add("fault: %s answers %s%s until %s", vendor, f.kind, detail, w.at(f.until))
}

// poll starts one poll round (unless the last is still running).
func (w *World) poll() {
	at := time.Now()
	w.lastPoll = at
	h := w.hub
	// A connection with no cursor, in the hub's memory or saved, takes a baseline.
	baseline := map[string]bool{}
	for _, v := range w.order {
		if _, ok := h.cursors[w.conns[v]]; !ok {
			saved, err := h.st.PollCursor(context.Background(), w.conns[v])
			baseline[v] = err != nil || saved == ""
		}
	}
	// One connection after the other, in setup order (the hub's own round walks a map). A connection
	// waits behind one paused before it (Retry-After): only those read by the time the round settles
	// tell the hub anything now (seed 9831: Teams, polled last, was read 7 s after the round began).
	read := map[string]bool{}
	var mu sync.Mutex
	if h.background("poll", func(ctx context.Context) {
		for _, v := range w.order {
			h.mgr.PollConnection(ctx, w.conns[v], h.cursors)
			mu.Lock()
			read[v] = true
			mu.Unlock()
		}
	}) {
		w.quiesce()
		mu.Lock()
		for _, v := range w.order {
			if !read[v] {
				baseline[v] = true // not read yet: it tells nothing this round
			}
		}
		mu.Unlock()
		w.polled(at, baseline)
	}
}

// repairDrift starts one drift-repair round (unless the last is still running).
func (w *World) repairDrift() {
	w.lastDrift = time.Now()
	h := w.hub
	run := &window{from: time.Now()}
	if h.background("drift", func(ctx context.Context) {
		h.mgr.RepairDrift(ctx)
		w.vmu.Lock()
		run.to = time.Now()
		w.vmu.Unlock()
	}) {
		w.vmu.Lock()
		w.drifts = append(w.drifts, run)
		w.vmu.Unlock()
		w.quiesce()
	}
}

// window is when one drift-repair round ran (to is zero while it runs).
type window struct{ from, to time.Time }

// duringDrift reports whether t falls in a drift-repair round.
func (w *World) duringDrift(t time.Time) bool {
	w.vmu.Lock()
	defer w.vmu.Unlock()
	for _, d := range w.drifts {
		if !t.Before(d.from) && (d.to.IsZero() || !t.After(d.to)) {
			return true
		}
	}
	return false
}

// restart kills the hub (kill -9) and starts a new one on what it committed.
func (w *World) restart() {
	w.hub.kill()
	gen := w.gen() + 1
	h, err := openHub(w, gen, nil)
	if err != nil {
		w.violate(checkAcked, fmt.Sprintf("restarting the hub: %v", err))
		return
	}
	w.hub = h
	w.hubGen.Store(int64(gen))
	w.trace.add("hub killed (kill -9) and restarted as #%d", gen)
	synctest.Wait()
}
