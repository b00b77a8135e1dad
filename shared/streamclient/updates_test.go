package streamclient

import (
	"errors"
	"fmt"
	"testing"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

func ev(team, agent string, version int64) *phv1.PresenceEvent {
	return &phv1.PresenceEvent{TeamId: team, Presence: &phv1.Presence{AgentId: agent, Version: version}}
}

func evs(events []*phv1.PresenceEvent) string {
	s := ""
	for _, e := range events {
		s += fmt.Sprintf("%s/%s@%d ", e.GetTeamId(), e.GetPresence().GetAgentId(), e.GetPresence().GetVersion())
	}
	return s
}

func TestMergeKeepsEventsInOrder(t *testing.T) {
	u := merge(Update{State: Connected, Events: []*phv1.PresenceEvent{ev("", "a", 1)}},
		Update{State: Connected, Events: []*phv1.PresenceEvent{ev("", "a", 2), ev("t", "b", 7)}})
	if got, want := evs(u.Events), "/a@1 /a@2 t/b@7 "; got != want {
		t.Fatalf("events = %q, want %q", got, want)
	}
}

func TestMergeSnapshotSupersedesOwnEventsOnly(t *testing.T) {
	snap1, snap2 := &phv1.Snapshot{AgentId: "a"}, &phv1.Snapshot{AgentId: "a"}
	old := Update{State: Connected, Snapshot: snap1, Events: []*phv1.PresenceEvent{ev("", "a", 1), ev("t", "b", 3)}}
	u := merge(old, Update{State: Connected, Snapshot: snap2})
	if u.Snapshot != snap2 {
		t.Fatal("the newer snapshot did not win")
	}
	// The own agent's event is in the snapshot; the team's event is not, and stays.
	if got, want := evs(u.Events), "t/b@3 "; got != want {
		t.Fatalf("events = %q, want %q", got, want)
	}
	// Events after the snapshot stay after it.
	u = merge(u, Update{State: Connected, Events: []*phv1.PresenceEvent{ev("", "a", 2)}})
	if got, want := evs(u.Events), "t/b@3 /a@2 "; got != want {
		t.Fatalf("events = %q, want %q", got, want)
	}
}

func TestMergeKeepsTheLatestVendorStates(t *testing.T) {
	v1, v2 := &phv1.VendorUpdate{Version: 1}, &phv1.VendorUpdate{Version: 2}
	u := merge(Update{State: Connected, Vendors: v1}, Update{State: Connected, Vendors: v2})
	if u.Vendors != v2 {
		t.Fatalf("vendors = %v, want the later update", u.Vendors)
	}
	// A snapshot carries its own vendor states: earlier updates are moot, later ones still apply.
	snap := &phv1.Snapshot{}
	if u = merge(u, Update{State: Connected, Snapshot: snap}); u.Vendors != nil || u.Snapshot != snap {
		t.Fatalf("after a snapshot: vendors = %v", u.Vendors)
	}
	if u = merge(u, Update{State: Connected, Vendors: v1}); u.Vendors != v1 || u.Snapshot != snap {
		t.Fatalf("update after the snapshot lost: %+v", u)
	}
}

func TestMergeTeamSnapshotSupersedesThatTeam(t *testing.T) {
	t1old, t1, t2 := &phv1.TeamSnapshot{TeamId: "t1"}, &phv1.TeamSnapshot{TeamId: "t1"}, &phv1.TeamSnapshot{TeamId: "t2"}
	old := Update{State: Connected, TeamSnapshots: []*phv1.TeamSnapshot{t1old, t2},
		Events: []*phv1.PresenceEvent{ev("t1", "x", 1), ev("t2", "y", 1), ev("", "a", 1)}}
	u := merge(old, Update{State: Connected, TeamSnapshots: []*phv1.TeamSnapshot{t1}})
	if len(u.TeamSnapshots) != 2 || u.TeamSnapshots[0] != t2 || u.TeamSnapshots[1] != t1 {
		t.Fatalf("team snapshots = %v", u.TeamSnapshots)
	}
	if got, want := evs(u.Events), "t2/y@1 /a@1 "; got != want {
		t.Fatalf("events = %q, want %q", got, want)
	}
}

func TestMergeKeepsLatestState(t *testing.T) {
	boom := errors.New("boom")
	snap := &phv1.Snapshot{}
	u := merge(Update{State: Connected, Snapshot: snap}, Update{State: Disconnected, Err: boom})
	u = merge(u, Update{State: Connecting, Err: boom})
	if u.State != Connecting || u.Err != boom || u.Snapshot != snap {
		t.Fatalf("merged = %+v", u)
	}
	u = merge(u, Update{State: Connected})
	if u.State != Connected || u.Err != nil {
		t.Fatalf("merged = %+v", u)
	}
}

func TestMergeCompactsWhenFarBehind(t *testing.T) {
	var u Update
	for v := range int64(3 * maxPendingEvents) {
		u = merge(u, Update{State: Connected, Events: []*phv1.PresenceEvent{ev("t", fmt.Sprint(v%10), v)}})
	}
	if len(u.Events) > maxPendingEvents {
		t.Fatalf("%d events pending, want at most %d", len(u.Events), maxPendingEvents)
	}
	latest := map[string]int64{}
	for _, e := range u.Events {
		latest[e.GetPresence().GetAgentId()] = e.GetPresence().GetVersion()
	}
	for a := range 10 {
		const last = 3*maxPendingEvents - 1
		want := int64((last-a)/10*10 + a)
		if got := latest[fmt.Sprint(a)]; got != want {
			t.Fatalf("agent %d: latest version %d, want %d", a, got, want)
		}
	}
}

func TestMergeCompactionIsAmortizedForBigTeams(t *testing.T) {
	// More distinct agents than maxPendingEvents: compaction cannot shrink much and must not run on
	// every merge (this would take minutes if it did).
	var u Update
	const agents = 3 * maxPendingEvents
	for v := range int64(6 * agents) {
		u = merge(u, Update{State: Connected, Events: []*phv1.PresenceEvent{ev("t", fmt.Sprint(v%agents), v)}})
	}
	if len(u.Events) > 2*agents+1 {
		t.Fatalf("%d events pending for %d agents", len(u.Events), agents)
	}
}

func TestPublisherNeverBlocksAndCoalesces(t *testing.T) {
	p := newPublisher()
	snap := &phv1.Snapshot{AgentId: "a"}
	p.publish(Update{State: Connecting})
	p.publish(Update{State: Connected, Snapshot: snap})
	for v := range int64(100) {
		p.publish(Update{State: Connected, Events: []*phv1.PresenceEvent{ev("", "a", v+1)}})
	}
	u := <-p.ch
	if u.State != Connected || u.Snapshot != snap || len(u.Events) != 100 {
		t.Fatalf("coalesced update = state %v snapshot %v, %d events", u.State, u.Snapshot, len(u.Events))
	}
	select {
	case u := <-p.ch:
		t.Fatalf("unexpected second update %+v", u)
	default:
	}

	p.publish(Update{State: Disconnected})
	p.close()
	p.publish(Update{State: Connecting}) // after close: dropped, no panic
	if u, ok := <-p.ch; !ok || u.State != Disconnected {
		t.Fatalf("last update = %+v, %v", u, ok)
	}
	if _, ok := <-p.ch; ok {
		t.Fatal("channel not closed")
	}
}

func TestPublisherConcurrentConsumer(t *testing.T) {
	p := newPublisher()
	const n = 20000
	done := make(chan int64)
	go func() {
		var last int64
		for u := range p.ch {
			for _, e := range u.Events {
				v := e.GetPresence().GetVersion()
				if v <= last {
					panic(fmt.Sprintf("version %d after %d", v, last))
				}
				last = v
			}
		}
		done <- last
	}()
	for v := range int64(n) {
		p.publish(Update{State: Connected, Events: []*phv1.PresenceEvent{ev("", "a", v+1)}})
	}
	p.close()
	if last := <-done; last != n {
		t.Fatalf("consumer ended at version %d, want %d", last, n)
	}
}
