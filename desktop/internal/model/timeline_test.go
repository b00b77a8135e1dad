package model

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

func TestWithHubTimeline(t *testing.T) {
	s := connected() // version 3, Available, seen by the tray
	s, _ = s.WithEvent(&phv1.PresenceEvent{Presence: withQueued(pres("on-call", KindSystem, 5, SourceSystem, "", now), "lunch")}, now)
	hub := []*phv1.TimelineEntry{ // newest first, as ListTimeline answers
		{Outcome: "applied", Version: 5, Status: "on-call", Source: SourceSystem, CreateTime: timestamppb.New(now)},
		{Outcome: "refused", RequestedStatus: "busy", Source: SourceDevice},
		{Outcome: "applied", Version: 4, Status: "busy", PreviousStatus: "available", Source: SourceAdmin, Reason: "covering",
			CreateTime: timestamppb.New(now.Add(-time.Hour))},
		{Outcome: "applied", Version: 3, Status: "available", Source: SourceDevice, SourceId: device, CreateTime: timestamppb.New(t0)},
		{Outcome: "applied", Version: 2, Status: "offline", Source: SourceSystem, CreateTime: timestamppb.New(t0.Add(-time.Hour))},
		{Outcome: "unchanged", Version: 2, Status: "offline"},
	}
	got := s.WithHubTimeline(hub)
	var lines []string
	for _, e := range got.Timeline {
		lines = append(lines, got.EntryLine(e, now))
	}
	want := []string{
		"12:00  On call (then Lunch), by Presence Hub",
		"11:00  Busy ← Available, by an admin: covering",
		"09:00  Available, by you, on this computer",
		"08:00  Offline, by Presence Hub",
	}
	if len(lines) != len(want) {
		t.Fatalf("timeline:\n%q\nwant:\n%q", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("%d: %q, want %q", i, lines[i], want[i])
		}
	}
	if len(s.Timeline) != 2 {
		t.Fatal("WithHubTimeline changed the state it was called on")
	}
	if again := got.WithHubTimeline(hub); len(again.Timeline) != len(want) {
		t.Fatalf("merging twice duplicated entries: %d", len(again.Timeline))
	}
	if out := (State{}).WithHubTimeline(hub); len(out.Timeline) != 0 {
		t.Fatal("a signed-out tray keeps no timeline")
	}
	var many []*phv1.TimelineEntry
	for v := int64(100); v > 60; v-- {
		many = append(many, &phv1.TimelineEntry{Outcome: "applied", Version: v, Status: "busy", CreateTime: timestamppb.New(now)})
	}
	if full := s.WithHubTimeline(many); len(full.Timeline) != maxTimeline || full.Timeline[0].Version != 100 {
		t.Fatalf("capped timeline: %d entries, first v%d", len(full.Timeline), full.Timeline[0].Version)
	}
}
