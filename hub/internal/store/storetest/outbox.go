package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// presenceFixture is a tenant with one agent linked to one connection.
type presenceFixture struct {
	tenant *model.Tenant
	conn   *model.Connection
	agent  *model.Agent
}

func newPresenceFixture(t *testing.T, ctx context.Context, s *store.DB) presenceFixture {
	t.Helper()
	tn := mustTenant(t, ctx, s, "a")
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "zendesk", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: "a@x", Identities: []model.Identity{{ConnectionID: conn.ID, ExternalID: "42"}}}
	must(t, s.CreateAgent(ctx, ag))
	return presenceFixture{tenant: tn, conn: conn, agent: ag}
}

// newPresenceFixtures makes n agents of one new tenant, each linked to the tenant's one connection.
func newPresenceFixtures(t *testing.T, ctx context.Context, s *store.DB, tenant string, n int) []presenceFixture {
	t.Helper()
	tn := mustTenant(t, ctx, s, tenant)
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "zendesk", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	fixtures := make([]presenceFixture, n)
	for i := range fixtures {
		ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: fmt.Sprintf("%s%d@x", tenant, i),
			Identities: []model.Identity{{ConnectionID: conn.ID, ExternalID: fmt.Sprint(i)}}}
		must(t, s.CreateAgent(ctx, ag))
		fixtures[i] = presenceFixture{tenant: tn, conn: conn, agent: ag}
	}
	return fixtures
}

// change saves the agent's next presence (version expect+1) with a timeline entry and a write of state.
func (f presenceFixture) change(ctx context.Context, s *store.DB, expect int64, status, state string, at time.Time) (*model.OutboxWrite, error) {
	p := &model.Presence{TenantID: f.tenant.ID, AgentID: f.agent.ID, Status: status, Version: expect + 1, Source: model.SourceAdmin, UpdateTime: at}
	entry := &model.TimelineEntry{ID: ids.New(ids.Timeline), TenantID: f.tenant.ID, AgentID: f.agent.ID, Outcome: "applied",
		Status: status, Version: p.Version, Source: model.SourceAdmin, CreateTime: at}
	w := &model.OutboxWrite{ID: ids.New(ids.Write), TenantID: f.tenant.ID, ConnectionID: f.conn.ID, AgentID: f.agent.ID, ExternalID: "42",
		Status: status, VendorState: state, PresenceVersion: p.Version, NextAttemptTime: at, CreateTime: at}
	return w, s.SavePresence(ctx, p, expect, entry, []*model.OutboxWrite{w})
}

// testPresenceVersions checks the compare-and-swap every presence change relies on: a save against a
// version that moved on, or a second first save, is a lost version race (ErrVersionRace, never the
// uniqueness conflict ErrConflict, which the API answers as "already exists") and leaves nothing behind.
func testPresenceVersions(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	now := time.Now()
	_, err := f.change(ctx, s, 0, "available", "online", now)
	must(t, err)
	_, err = f.change(ctx, s, 0, "busy", "away", now)
	wantErr(t, err, store.ErrVersionRace)
	_, err = f.change(ctx, s, 1, "lunch", "away", now)
	must(t, err)
	_, err = f.change(ctx, s, 1, "busy", "away", now) // lost the race to "lunch"
	wantErr(t, err, store.ErrVersionRace)
	if errors.Is(err, store.ErrConflict) {
		t.Errorf("a lost version race is also ErrConflict: %v", err)
	}
	p, err := s.GetPresence(ctx, f.tenant.ID, f.agent.ID)
	must(t, err)
	if p.Status != "lunch" || p.Version != 2 {
		t.Fatalf("presence %+v, want lunch at version 2", p)
	}
	tl, _, err := s.ListTimeline(ctx, f.tenant.ID, f.agent.ID, store.Page{})
	must(t, err)
	writes, _, err := s.ListWrites(ctx, f.tenant.ID, f.conn.ID, "", store.Page{})
	must(t, err)
	if len(tl) != 2 || len(writes) != 2 {
		t.Fatalf("a refused save left rows behind: %d timeline entries, %d writes", len(tl), len(writes))
	}
}

// testConcurrentSaves has several writers change one agent at once, each reading the row, deciding and
// saving against the version it read, and retrying on conflict: every save that succeeds has its own
// version, and none is lost.
func testConcurrentSaves(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	const writers, each = 4, 10
	var mu sync.Mutex
	var versions []int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for range each {
				for {
					var expect int64
					if p, err := s.GetPresence(ctx, f.tenant.ID, f.agent.ID); err == nil {
						expect = p.Version
					} else if !errors.Is(err, store.ErrNotFound) {
						t.Errorf("writer %d: %v", w, err)
						return
					}
					_, err := f.change(ctx, s, expect, "available", "online", time.Now())
					if errors.Is(err, store.ErrVersionRace) {
						continue
					}
					if err != nil {
						t.Errorf("writer %d: %v", w, err)
						return
					}
					mu.Lock()
					versions = append(versions, expect+1)
					mu.Unlock()
					break
				}
			}
		})
	}
	wg.Wait()
	slices.Sort(versions)
	if len(versions) != writers*each || slices.Compact(slices.Clone(versions))[len(versions)-1] != int64(writers*each) {
		t.Fatalf("saved versions %v: want 1..%d, each once", versions, writers*each)
	}
	p, err := s.GetPresence(ctx, f.tenant.ID, f.agent.ID)
	must(t, err)
	tl, _, err := s.ListTimeline(ctx, f.tenant.ID, f.agent.ID, store.Page{Size: store.MaxPageSize})
	must(t, err)
	if p.Version != writers*each || len(tl) != writers*each {
		t.Fatalf("version %d, %d timeline entries; want %d of each", p.Version, len(tl), writers*each)
	}
}

// testOutboxClaims checks that a write is claimed by one replica only, drops out of the due list while
// claimed, comes back when its owner's claims are released, and that delivery ends the claim.
func testOutboxClaims(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	now := time.Now()
	first, err := f.change(ctx, s, 0, "available", "online", now)
	must(t, err)
	second, err := f.change(ctx, s, 1, "busy", "away", now)
	must(t, err)
	if w, _ := s.GetWrite(ctx, f.tenant.ID, first.ID); w.State != model.WriteSuperseded {
		t.Fatalf("older pending write not superseded: %s", w.State)
	}
	due, err := s.DueWrites(ctx, now, 10)
	must(t, err)
	if len(due) != 1 || due[0].ID != second.ID {
		t.Fatalf("due writes %v, want only %s", due, second.ID)
	}
	if ok, err := s.ClaimWrite(ctx, first.ID, "a", now, now.Add(time.Minute)); err != nil || ok {
		t.Fatalf("claimed a superseded write: %v %v", ok, err)
	}
	if ok, err := s.ClaimWrite(ctx, second.ID, "a", now, now.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if ok, err := s.ClaimWrite(ctx, second.ID, "b", now, now.Add(time.Minute)); err != nil || ok {
		t.Fatalf("a second replica claimed the same write: %v %v", ok, err)
	}
	if due, _ := s.DueWrites(ctx, now.Add(time.Second), 10); len(due) != 0 {
		t.Fatalf("a claimed write is due: %v", due)
	}
	owners, err := s.ClaimOwners(ctx)
	must(t, err)
	if len(owners) != 1 || owners[0] != "a" {
		t.Fatalf("claim owners %v", owners)
	}
	// Replica a died: its claim is released and b sends the write.
	later := now.Add(2 * time.Second)
	if n, err := s.ReleaseClaims(ctx, "a", later); err != nil || n != 1 {
		t.Fatalf("released %d claims: %v", n, err)
	}
	if ok, err := s.ClaimWrite(ctx, second.ID, "b", later, later.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("claim after release: %v %v", ok, err)
	}
	must(t, s.MarkDelivered(ctx, second.ID, later))
	if owners, _ := s.ClaimOwners(ctx); len(owners) != 0 {
		t.Fatalf("a delivered write is still claimed by %v", owners)
	}
	if w, _ := s.GetWrite(ctx, f.tenant.ID, second.ID); w.State != model.WriteDelivered || w.Attempts != 2 {
		t.Fatalf("write after delivery: %+v; want delivered, 2 attempts (a's may have been sent)", w)
	}
	// Replica b claims a write, a newer change supersedes it while it is on its way, and b dies: the
	// vendor may have applied it, so it counts as sent (its notification is the echo of it).
	third, err := f.change(ctx, s, 2, "lunch", "away", later)
	must(t, err)
	if ok, err := s.ClaimWrite(ctx, third.ID, "b", later, later.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	_, err = f.change(ctx, s, 3, "available", "online", later)
	must(t, err)
	if owners, _ := s.ClaimOwners(ctx); len(owners) != 1 || owners[0] != "b" {
		t.Fatalf("claim owners %v; want b (a superseded write it was sending)", owners)
	}
	gone := later.Add(time.Second).Truncate(time.Microsecond)
	if _, err := s.ReleaseClaims(ctx, "b", gone); err != nil {
		t.Fatal(err)
	}
	sent, err := s.LastSent(ctx, f.tenant.ID, f.agent.ID, f.conn.ID, third.ExternalID, "away")
	if err != nil || sent.ID != third.ID || sent.State != model.WriteSuperseded || !sent.UpdateTime.Equal(gone) {
		t.Fatalf("last sent away: %+v %v; want the superseded write, sent by b, answered when b was found gone", sent, err)
	}
}
