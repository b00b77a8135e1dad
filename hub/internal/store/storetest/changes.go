package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// testChangeEvents checks the store's typed change events: every write to what the hub caches (a
// tenant's settings, statuses, connections, rules, teams, agents and their links) tells the one
// subscriber which aggregate of which tenant changed, and a write to nothing cached tells it nothing.
func testChangeEvents(t *testing.T, ctx context.Context, s *store.DB) {
	var mu sync.Mutex
	var got []store.Change
	s.OnChange(func(c store.Change) {
		mu.Lock()
		got = append(got, c)
		mu.Unlock()
	})
	expect := func(what string, want ...store.Change) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(got, want) {
			t.Errorf("%s: told %v; want %v", what, got, want)
		}
		got = nil
	}
	tn := mustTenant(t, ctx, s, "events")
	expect("creating a tenant (nothing cached yet)")
	c := func(what store.Changed) store.Change { return store.Change{TenantID: tn.ID, What: what} }

	tn.DisplayName = "Events"
	must(t, s.UpdateTenant(ctx, tn))
	expect("updating the tenant", c(store.ChangedTenant))
	st := &model.Status{ID: ids.New(ids.Status), TenantID: tn.ID, Name: "lunch", DisplayName: "Lunch", Kind: "away"}
	must(t, s.CreateStatus(ctx, st))
	st.DisplayName = "Lunch break"
	must(t, s.UpdateStatus(ctx, st))
	must(t, s.DeleteStatus(ctx, tn.ID, st.ID))
	expect("a status created, updated, deleted", c(store.ChangedCatalog), c(store.ChangedCatalog), c(store.ChangedCatalog))
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "zendesk", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	conn.Enabled = false
	must(t, s.UpdateConnection(ctx, conn, nil))
	expect("a connection created, disabled", c(store.ChangedConnections), c(store.ChangedConnections))
	team := &model.Team{ID: ids.New(ids.Team), TenantID: tn.ID, Name: "t"}
	must(t, s.CreateTeam(ctx, team))
	expect("a team created", c(store.ChangedTeams))
	r := &model.Rule{ID: ids.New(ids.Rule), TenantID: tn.ID, Name: "r", ConnectionID: conn.ID, TeamIDs: []string{team.ID}}
	must(t, s.CreateRule(ctx, r))
	r.Name = "r2"
	must(t, s.UpdateRule(ctx, r))
	expect("a rule created, updated", c(store.ChangedRules), c(store.ChangedRules))
	ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: "a@x"}
	must(t, s.CreateAgent(ctx, ag))
	expect("an agent created (nothing cached of it yet)")
	ag.TeamIDs, ag.Identities = []string{team.ID}, []model.Identity{{ConnectionID: conn.ID, ExternalID: "42"}}
	must(t, s.UpdateAgent(ctx, ag))
	expect("an agent joining a team and linked", c(store.ChangedAgents))
	must(t, s.DeleteRule(ctx, tn.ID, r.ID))
	must(t, s.DeleteTeam(ctx, tn.ID, team.ID))
	expect("a rule and a team deleted", c(store.ChangedRules), c(store.ChangedTeams|store.ChangedRules|store.ChangedAgents))
	must(t, s.DeleteConnection(ctx, tn.ID, conn.ID))
	expect("a connection deleted (its identities with it)", c(store.ChangedConnections|store.ChangedAgents))
	must(t, s.DeleteAgent(ctx, tn.ID, ag.ID))
	expect("an agent deleted", c(store.ChangedAgents))
	must(t, s.DeleteTenant(ctx, tn.ID))
	expect("the tenant deleted", c(store.ChangedTenant|store.ChangedCatalog|store.ChangedConnections|store.ChangedRules|store.ChangedTeams|store.ChangedAgents))
}
