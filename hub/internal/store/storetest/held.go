package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// testHeldChanges checks the held changes of flow control: one per agent, a later one replaces it, and
// its flush saves the change and deletes the hold in one transaction, exactly once.
func testHeldChanges(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	other := newPresenceFixtures(t, ctx, s, "b", 1)[0]
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	hold := func(fx presenceFixture, status string, due time.Time) *store.HeldChange {
		h := &store.HeldChange{ID: ids.New(ids.Hold), TenantID: fx.tenant.ID, AgentID: fx.agent.ID, Status: status,
			Source: model.SourceAdmin, SourceID: "ak_1", Reason: "r", DueTime: due, CreateTime: at}
		must(t, s.HoldChange(ctx, h))
		return h
	}
	first := hold(f, "busy", at.Add(time.Second))
	latest := &store.HeldChange{ID: ids.New(ids.Hold), TenantID: f.tenant.ID, AgentID: f.agent.ID, Status: "lunch",
		Source: model.SourceConnection, SourceID: "cn_c", SourceState: "unavailable:ACW", Reason: "r", DueTime: at.Add(2 * time.Second), CreateTime: at,
		Owed: []store.Owed{{ConnectionID: "cn_a", State: "Busy, on a call"}, {ConnectionID: "cn_b"}}}
	must(t, s.HoldChange(ctx, latest)) // replaces the first
	hold(other, "available", at.Add(time.Minute))
	list, err := s.ListHeldChanges(ctx, at.Add(time.Hour), "", 10)
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("%d held changes, want one per agent (2)", len(list))
	}
	var got *store.HeldChange
	for _, h := range list {
		if h.AgentID == f.agent.ID {
			got = h
		}
	}
	if got == nil || got.ID != latest.ID || got.Status != "lunch" || got.SourceID != "cn_c" || got.SourceState != "unavailable:ACW" ||
		!got.DueTime.Equal(latest.DueTime) || !got.CreateTime.Equal(at) || !slices.Equal(got.Owed, latest.Owed) {
		t.Fatalf("held %+v, want the latest (%s lunch)", got, latest.ID)
	}
	if due, err := s.ListHeldChanges(ctx, at.Add(30*time.Second), "", 10); err != nil || len(due) != 1 || due[0].AgentID != f.agent.ID {
		t.Fatalf("due within 30 s: %v %v, want the one of %s", due, err, f.agent.ID)
	}

	save := func(holdID string, expect int64, status string) error {
		p := &model.Presence{TenantID: f.tenant.ID, AgentID: f.agent.ID, Status: status, Version: expect + 1, Source: model.SourceAdmin, UpdateTime: at}
		entry := &model.TimelineEntry{ID: ids.New(ids.Timeline), TenantID: f.tenant.ID, AgentID: f.agent.ID, Outcome: "applied",
			Status: status, Version: p.Version, Source: model.SourceAdmin, CreateTime: at}
		return s.SaveHeldPresence(ctx, p, expect, entry, nil, holdID)
	}
	wantErr(t, save(first.ID, 0, "busy"), store.ErrHoldGone) // replaced: nothing saved
	if _, err := s.GetPresence(ctx, f.tenant.ID, f.agent.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a replaced hold saved a presence: %v", err)
	}
	_, err = f.change(ctx, s, 0, "available", "online", at) // another change meanwhile: version 1
	must(t, err)
	wantErr(t, save(latest.ID, 0, "lunch"), store.ErrVersionRace) // lost race: the hold stays
	must(t, save(latest.ID, 1, "lunch"))
	wantErr(t, save(latest.ID, 2, "lunch"), store.ErrHoldGone) // exactly once
	p, err := s.GetPresence(ctx, f.tenant.ID, f.agent.ID)
	must(t, err)
	if p.Status != "lunch" || p.Version != 2 {
		t.Fatalf("presence %+v, want lunch v2", p)
	}
	owed := []*model.OutboxWrite{{ID: ids.New(ids.Write), TenantID: f.tenant.ID, ConnectionID: f.conn.ID, AgentID: f.agent.ID,
		ExternalID: "u1", Status: "lunch", VendorState: "away", PresenceVersion: 2, NextAttemptTime: at, CreateTime: at, IfState: "busy"}}
	wantErr(t, s.ReleaseHeldChange(ctx, f.tenant.ID, f.agent.ID, latest.ID, owed), store.ErrHoldGone)
	wantErr(t, func() error { _, err := s.GetWrite(ctx, f.tenant.ID, owed[0].ID); return err }(), store.ErrNotFound) // nothing queued
	left, err := s.ListHeldChanges(ctx, at.Add(time.Hour), "", 10)
	if err != nil || len(left) != 1 || left[0].AgentID != other.agent.ID {
		t.Fatalf("after the flush: %v %v, want only the other agent's hold", left, err)
	}
	owed[0].TenantID, owed[0].AgentID, owed[0].ConnectionID = other.tenant.ID, other.agent.ID, other.conn.ID
	must(t, s.ReleaseHeldChange(ctx, other.tenant.ID, other.agent.ID, left[0].ID, owed))
	if w, err := s.GetWrite(ctx, other.tenant.ID, owed[0].ID); err != nil || w.State != model.WritePending || w.VendorState != "away" || w.IfState != "busy" {
		t.Fatalf("the release did not queue the write it owes: %+v %v", w, err)
	}
	// The vendor no longer shows busy: the write stands down, superseded, with no attempt counted.
	must(t, s.MarkStoodDown(ctx, owed[0].ID, "not written: shows away", at.Add(time.Second)))
	if w, err := s.GetWrite(ctx, other.tenant.ID, owed[0].ID); err != nil || w.State != model.WriteSuperseded || w.Attempts != 0 || w.LastError != "not written: shows away" {
		t.Fatalf("stood down: %+v %v", w, err)
	}
	if list, err := s.ListHeldChanges(ctx, at.Add(time.Hour), "", 10); err != nil || len(list) != 0 {
		t.Fatalf("after releasing: %v %v, want none", list, err)
	}
}
