package vendorsync_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// fourVendors links agent 0 in Zendesk and Aircall (the seed-002 template both ways), Talkdesk and
// ServiceNow (two-way rules; ServiceNow with its business rule and polling, Talkdesk polled).
func fourVendors(t *testing.T) (e *env, td, sn *vendorAccount) {
	h := hubtest.Start(t, pollQuickly)
	e = newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	td = e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{RatePerMinute: unlimited}))
	sn = e.connect(t, "servicenow", servicenowemu.New(servicenowemu.Options{}))
	e.linkUser(t, td, 0)
	e.linkUser(t, sn, 0)
	e.ruleFor(t, td, "talkdesk two-way", map[string]string{"available": "available", tdLunch: "lunch", tdMeeting: "busy", "offline": "offline"},
		map[string]string{"available": "available", "lunch": tdLunch, "busy": tdMeeting})
	e.ruleFor(t, sn, "servicenow two-way", snRule, invert(snRule))
	// The users were created in the polled vendors after the polls' baselines: let the polls report
	// those new rows (Offline in ServiceNow) before the admin's change, not after it.
	pollsPass(t, td, sn)
	e.setPresence(t, 0, "available")
	explained(t, testwait.Default, "every vendor available", func() bool {
		return e.vendorState(e.zd, 0) == "online" && e.vendorState(e.ac, 0) == "available" &&
			e.vendorState(td, 0) == "available" && e.vendorState(sn, 0) == "available"
	}, e.explainAgent(t, 0, map[string]*vendorAccount{"zendesk": e.zd, "aircall": e.ac, "talkdesk": td, "servicenow": sn}))
	return e, td, sn
}

// want is each vendor's state for a hub status; Talkdesk cannot be set to Offline, so it keeps its
// state then ("").
var want = map[string]map[string]string{
	"zendesk":    {"available": "online", "lunch": "away", "busy": "transfers_only", "offline": "offline"},
	"aircall":    {"available": "available", "lunch": "unavailable", "busy": "unavailable", "offline": "unavailable"},
	"talkdesk":   {"available": "available", "lunch": tdLunch, "busy": tdMeeting, "offline": ""},
	"servicenow": {"available": "available", "lunch": "away", "busy": "state:" + servicenowemu.Break.SysID, "offline": "offline"},
}

// check compares every vendor with the hub's status; tdBefore is Talkdesk's state before the round.
func check(t *testing.T, e *env, td, sn *vendorAccount, round, status, tdBefore string) {
	t.Helper()
	for name, va := range map[string]*vendorAccount{"zendesk": e.zd, "aircall": e.ac, "talkdesk": td, "servicenow": sn} {
		w := want[name][status]
		if name == "talkdesk" && w == "" {
			w = tdBefore
		}
		if got := e.vendorState(va, 0); got != w {
			t.Errorf("%s: hub %s, %s %s; want %s", round, status, name, got, w)
		}
	}
}

// TestFourVendorsConvergeWhereverAChangeStarts changes the status in each of Zendesk, Aircall,
// Talkdesk and ServiceNow in turn: every change reaches the hub once and every other vendor, and
// nothing bounces back (no loop: one applied change per vendor change).
func TestFourVendorsConvergeWhereverAChangeStarts(t *testing.T) {
	e, td, sn := fourVendors(t)
	// The order matters: the sync framework expects the echo of every write for sync.echo_window, and a
	// write that changed nothing (Aircall unavailable for both lunch and busy) produces no echo, so a
	// genuine change to that same state soon after would be taken for the echo. These steps never do
	// that (see the report of issue 5).
	steps := []struct {
		vendor *vendorAccount
		name   string
		state  string
		status string
	}{
		{e.ac, "aircall", "unavailable", "offline"},
		{e.zd, "zendesk", "away", "lunch"},
		{td, "talkdesk", tdMeeting, "busy"},
		{sn, "servicenow", "available", "available"},
		{sn, "servicenow", "away", "lunch"},
		{td, "talkdesk", "available", "available"},
		{sn, "servicenow", "state:" + servicenowemu.Break.SysID, "busy"},
		{e.zd, "zendesk", "online", "available"},
	}
	var settledAt time.Time
	for i, s := range steps {
		round := fmt.Sprintf("step %d (%s %s)", i, s.name, s.state)
		before, tdBefore := len(e.applied(t, 0)), e.vendorState(td, 0)
		if s.vendor == sn || s.vendor == e.ac {
			// These vendors stamp changes to the second: a person's change within the second of the
			// hub's last write, to a state the hub wrote, is taken for its echo (docs/sync.md, known
			// gaps). People are not that quick; this test is.
			testwait.For(t, "the clock leaves the second of the hub's last write", func() bool {
				return time.Now().Truncate(time.Second).After(settledAt)
			})
		}
		if err := s.vendor.em.Change(e.users[s.vendor][0], s.state); err != nil {
			t.Fatal(err)
		}
		explained(t, testwait.Default, round+": hub follows", func() bool { return e.status(t, 0) == s.status },
			e.explainAgent(t, 0, map[string]*vendorAccount{"zendesk": e.zd, "aircall": e.ac, "talkdesk": td, "servicenow": sn}))
		if got := settle(t, e, td, sn); got != s.status {
			t.Fatalf("%s: hub settled on %s; want %s", round, got, s.status)
		}
		settledAt = time.Now()
		check(t, e, td, sn, round, s.status, tdBefore)
		if n := len(e.applied(t, 0)) - before; n != 1 {
			t.Errorf("%s: %d changes applied for one vendor change (a loop?): %v", round, n, e.applied(t, 0)[before:])
		}
	}
}

// TestFourVendorsChangingAtOnceConverge changes all four at the same moment, several rounds: each
// settles on one status that every vendor shows, with at most one applied change per vendor change.
func TestFourVendorsChangingAtOnceConverge(t *testing.T) {
	e, td, sn := fourVendors(t)
	rounds := [][4]string{ // zendesk, aircall, talkdesk, servicenow
		{"away", "unavailable", tdMeeting, "available"},
		{"online", "available", tdLunch, "state:" + servicenowemu.Break.SysID},
		{"transfers_only", "unavailable", "available", "away"},
	}
	for r, round := range rounds {
		before, tdBefore := len(e.applied(t, 0)), e.vendorState(td, 0)
		var wg sync.WaitGroup
		for i, va := range []*vendorAccount{e.zd, e.ac, td, sn} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := va.em.Change(e.users[va][0], round[i]); err != nil {
					t.Errorf("round %d: %v", r, err)
				}
			}()
		}
		wg.Wait()
		final := settle(t, e, td, sn)
		if final == "offline" {
			tdBefore = e.vendorState(td, 0) // Talkdesk cannot be set Offline: whatever the round left there stays
		}
		check(t, e, td, sn, fmt.Sprintf("round %d", r), final, tdBefore)
		if n := len(e.applied(t, 0)) - before; n > 4 {
			t.Errorf("round %d: %d changes applied for 4 vendor changes (oscillation): %v", r, n, e.applied(t, 0)[before:])
		}
	}
}

// pollsPass waits until each polled vendor has answered two more requests (the hub's polls: nothing
// else calls them here), so every change made in them before has been read.
func pollsPass(t *testing.T, vas ...*vendorAccount) {
	t.Helper()
	marks := make([]int, len(vas))
	for i, va := range vas {
		marks[i] = len(va.em.Calls())
	}
	testwait.For(t, "two more polls", func() bool {
		for i, va := range vas {
			if len(va.em.Calls()) < marks[i]+2 {
				return false
			}
		}
		return true
	})
}
