package teams_test

import (
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/teamsemu"
)

// keepEvery is how often the sync framework asks (vendorsync.KeepInterval).
const keepEvery = 5 * time.Minute

// TestSessionNeverLapsesIn24Hours drives the framework's keep rounds every five virtual minutes for
// a day: the application session never ends while the hub wants it, across a hub restart (a new
// adapter that knows nothing), and is cleared once the hub wants nothing there.
func TestSessionNeverLapsesIn24Hours(t *testing.T) {
	e := start(t, nil)
	id := e.em.AddUser("ana@example.com", "Ana")
	_ = e.em.AgentSide().Verbs[emulator.VerbOffline].Do(id) // the session alone shows
	a := e.a
	if err := a.SetState(ctx(t), id, "Away"); err != nil {
		t.Fatal(err)
	}
	app := e.em.Credentials()["client_id"]
	for step := 0; step < 24*60/5; step++ {
		e.clk.Advance(keepEvery)
		if step == 100 {
			a = e.adapter(t, nil, nil) // restarted: the first round renews at once
		}
		if a.KeepDue(id, "Away") {
			if err := a.Keep(ctx(t), id, "Away"); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
		}
		if exp := e.em.SessionExpiry(id, app); !exp.After(e.clk.Now().Add(keepEvery)) {
			t.Fatalf("at %s the session ends at %v: it would lapse before the next round", e.clk.Now(), exp)
		}
		if got, _ := e.em.State(id); got != "Away" {
			t.Fatalf("at %s the state is %s", e.clk.Now(), got)
		}
	}
	if n := e.calls("POST", "/setPresence"); n > 24*2+2 {
		t.Errorf("%d setPresence calls in a day; want about one per half hour", n)
	}
	if !a.KeepDue(id, "") {
		t.Fatal("the hub wants nothing there: the session should go")
	}
	if err := a.Keep(ctx(t), id, ""); err != nil {
		t.Fatal(err)
	}
	if !e.em.SessionExpiry(id, app).IsZero() || a.KeepDue(id, "") {
		t.Errorf("session not cleared (or clear due again)")
	}
	if got, _ := e.em.State(id); got != "Offline" {
		t.Errorf("after clearPresence: %s", got)
	}
}

// TestPreferredIsClearedOnlyWhenTheHubSetIt: in preferred mode a restarted adapter never clears a
// preferred presence it did not set (it may be the person's own pick).
func TestPreferredIsClearedOnlyWhenTheHubSetIt(t *testing.T) {
	pref := map[string]string{"write_mode": "preferred"}
	e := start(t, pref)
	id := e.em.AddUser("ana@example.com", "Ana")
	_ = e.em.Change(id, "BeRightBack")
	if e.a.KeepDue(id, "") {
		t.Error("a preferred presence the adapter never set would be cleared")
	}
	if err := e.a.SetState(ctx(t), id, "Busy"); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(13 * time.Hour)
	if !e.a.KeepDue(id, "Busy") {
		t.Error("a 13-hour-old preferred presence is not renewed")
	}
	if !e.a.KeepDue(id, "") {
		t.Fatal("the hub's own preferred presence is not cleared when the hub wants nothing there")
	}
	if err := e.a.Keep(ctx(t), id, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.em.State(id); got != "Available" {
		t.Errorf("after clearUserPreferredPresence: %s", got)
	}
	_ = teamsemu.StateAutomatic
}
