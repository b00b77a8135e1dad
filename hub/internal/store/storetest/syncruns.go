package storetest

import (
	"context"
	"errors"
	"testing"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// testSyncRuns checks agent sync runs: one running run per connection, the facts a page's users get,
// links written with the page and the run's progress, repeats and duplicate emails across pages, the
// agents no user matched, restarts, and the agent cache seeing the new links.
func testSyncRuns(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "a")
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "http", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	agent := func(email string, ident ...model.Identity) *model.Agent {
		a := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: email, Identities: ident}
		must(t, s.CreateAgent(ctx, a))
		return a
	}
	ann := agent("Ann@x.example")
	bob := agent("bob@x.example", model.Identity{ConnectionID: conn.ID, ExternalID: "p9", Pinned: true})
	carol := agent("carol@x.example", model.Identity{ConnectionID: conn.ID, ExternalID: "c1"})
	agent("dave@x.example")
	if _, err := s.GetAgent(ctx, tn.ID, ann.ID); err != nil { // cached now: the page must drop it
		t.Fatal(err)
	}

	run := &model.SyncRun{ID: ids.New(ids.SyncRun), TenantID: tn.ID, ConnectionID: conn.ID, Trigger: model.SyncTriggerManual}
	must(t, s.CreateSyncRun(ctx, run))
	var ce *store.ConflictError
	err := s.CreateSyncRun(ctx, &model.SyncRun{ID: ids.New(ids.SyncRun), TenantID: tn.ID, ConnectionID: conn.ID, Trigger: model.SyncTriggerManual})
	if !errors.As(err, &ce) || ce.Constraint != "sync_runs_active_key" {
		t.Fatalf("second running run: %v", err)
	}

	// A decider linking by email unless pinned, recording what it was told.
	facts := map[string]store.SyncFacts{}
	decide := func(f store.SyncFacts) store.SyncPlan {
		facts[f.User.ExternalID] = f
		switch {
		case f.Repeat:
			return store.SyncPlan{}
		case f.EmailSeenAs != "":
			return store.SyncPlan{Outcome: model.SyncConflicting, Conflict: &model.SyncConflict{Kind: model.ConflictDuplicateEmail}}
		case f.ByEmail == nil:
			return store.SyncPlan{Outcome: model.SyncUnmatched}
		case f.ByEmail.Pinned:
			return store.SyncPlan{Outcome: model.SyncPinned, Matched: f.ByEmail.ID}
		}
		return store.SyncPlan{Outcome: model.SyncLinked, Link: f.ByEmail.ID, Matched: f.ByEmail.ID}
	}
	must(t, s.ApplySyncPage(ctx, run, []store.SyncUser{
		{ExternalID: "a1", Email: " ann@X.example "}, {ExternalID: "b1", Email: "bob@x.example"},
		{ExternalID: "c2", Email: "carol@x.example"}, {ExternalID: "z1", Email: "nobody@x.example"},
	}, "page2", decide))
	if f := facts["a1"]; f.ByEmail == nil || f.ByEmail.ID != ann.ID || f.ByEmail.ExternalID != "" || f.Holder != nil {
		t.Fatalf("facts of a1: %+v", f)
	}
	if f := facts["b1"]; f.ByEmail == nil || !f.ByEmail.Pinned || f.ByEmail.ExternalID != "p9" {
		t.Fatalf("facts of b1: %+v", f)
	}
	if f := facts["c2"]; f.ByEmail == nil || f.ByEmail.ExternalID != "c1" {
		t.Fatalf("facts of c2: %+v", f)
	}
	got, err := s.GetAgent(ctx, tn.ID, ann.ID)
	must(t, err)
	if len(got.Identities) != 1 || got.Identities[0].ExternalID != "a1" || got.Identities[0].Pinned {
		t.Fatalf("ann not linked (or a stale cached copy): %+v", got.Identities)
	}
	if got, _ := s.GetAgent(ctx, tn.ID, carol.ID); len(got.Identities) != 1 || got.Identities[0].ExternalID != "c2" {
		t.Fatalf("carol not relinked: %+v", got.Identities)
	}
	if got, _ := s.GetAgent(ctx, tn.ID, bob.ID); got.Identities[0].ExternalID != "p9" || !got.Identities[0].Pinned {
		t.Fatalf("bob's pinned link changed: %+v", got.Identities)
	}
	saved, err := s.GetSyncRun(ctx, tn.ID, run.ID)
	must(t, err)
	if saved.Cursor != "page2" || saved.Pages != 1 || saved.Report.Users != 4 || saved.Report.Linked != 2 || saved.Report.Pinned != 1 ||
		saved.Report.UnmatchedVendor != 1 || saved.State != model.SyncRunning {
		t.Fatalf("progress: %+v", saved)
	}

	// Page 2: a1 again (a repeat), and ann's email under another id (a duplicate).
	must(t, s.ApplySyncPage(ctx, run, []store.SyncUser{{ExternalID: "a1", Email: "ann@x.example"}, {ExternalID: "a2", Email: "ANN@x.example"}}, "", decide))
	if !facts["a1"].Repeat || facts["a2"].EmailSeenAs != "a1" || facts["a2"].Holder != nil {
		t.Fatalf("page 2 facts: %+v %+v", facts["a1"], facts["a2"])
	}
	if running, err := s.RunningSyncRuns(ctx); err != nil || len(running) != 1 || running[0].ID != run.ID {
		t.Fatalf("running runs: %v %v", running, err)
	}
	must(t, s.FinishSyncRun(ctx, run, model.SyncSucceeded, ""))
	// Unmatched agents: dave (no user), and none of ann (matched), bob (matched by email), carol (linked to c2).
	if run.Report.Users != 5 || run.Report.Conflicts != 1 || run.Report.UnmatchedHub != 1 || run.EndTime.IsZero() {
		t.Fatalf("finished report: %+v", run)
	}
	wantErr(t, s.FinishSyncRun(ctx, run, model.SyncFailed, "again"), store.ErrNotFound)

	// A second run: restarted from scratch it forgets what it read.
	second := &model.SyncRun{ID: ids.New(ids.SyncRun), TenantID: tn.ID, ConnectionID: conn.ID, Trigger: model.SyncTriggerSchedule, Owner: "replica-a"}
	must(t, s.CreateSyncRun(ctx, second))
	must(t, s.ApplySyncPage(ctx, second, []store.SyncUser{{ExternalID: "a1", Email: "ann@x.example"}}, "next", decide))
	// Replica a died: b and c both try to take the run over; one does.
	stale := *second
	must(t, s.ResumeSyncRun(ctx, second, "replica-b"))
	wantErr(t, s.ResumeSyncRun(ctx, &stale, "replica-c"), store.ErrNotFound)
	if got, err := s.GetSyncRun(ctx, tn.ID, second.ID); err != nil || got.Owner != "replica-b" || got.Restarts != 1 {
		t.Fatalf("resumed run: %+v, %v", got, err)
	}
	must(t, s.ResetSyncRun(ctx, second))
	must(t, s.ApplySyncPage(ctx, second, []store.SyncUser{{ExternalID: "a1", Email: "ann@x.example"}}, "", decide))
	if facts["a1"].Repeat || second.Restarts != 1 || second.Pages != 1 || second.Report.Users != 1 {
		t.Fatalf("restarted run: %+v facts %+v", second, facts["a1"])
	}
	latest, err := s.LatestSyncRun(ctx, tn.ID, conn.ID)
	must(t, err)
	list, _, err := s.ListSyncRuns(ctx, tn.ID, conn.ID, store.Page{})
	must(t, err)
	if latest.ID != second.ID || len(list) != 2 || list[0].ID != second.ID || list[1].State != model.SyncSucceeded {
		t.Fatalf("latest %s, list %v", latest.ID, list)
	}
	if _, err := s.GetSyncRun(ctx, mustTenant(t, ctx, s, "b").ID, run.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another tenant reads the run: %v", err)
	}
}
