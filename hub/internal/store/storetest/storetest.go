// Package storetest is the store conformance suite: every backend (SQLite now, PostgreSQL for
// scale-out) must pass Run, so the hub behaves the same whichever database it uses.
package storetest

import (
	"context"
	"errors"
	"testing"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// Run runs the suite against fresh databases made by open.
func Run(t *testing.T, open func(t *testing.T) *store.DB) {
	tests := map[string]func(t *testing.T, ctx context.Context, s *store.DB){
		"TenantsCRUD":            testTenants,
		"TenantScoping":          testTenantScoping,
		"Conflicts":              testConflicts,
		"AgentLinks":             testAgentLinks,
		"RulesAndAssignments":    testRules,
		"ConnectionSecrets":      testConnectionSecrets,
		"DeletesCascadeOrRefuse": testCascades,
		"Paging":                 testPaging,
		"APIKeysAndAudit":        testKeysAndAudit,
		"SyncRuns":               testSyncRuns,
		"PresenceVersions":       testPresenceVersions,
		"ConcurrentSaves":        testConcurrentSaves,
		"OutboxClaims":           testOutboxClaims,
		"Deliveries":             testDeliveries,
		"GroupCommit":            testGroupCommit,
		"GroupFailure":           testGroupFailure,
		"HeldChanges":            testHeldChanges,
		"ConnectionPause":        testConnectionPause,
		"WritesUnderLoad":        testWritesUnderLoad,
		"ChangeEvents":           testChangeEvents,
		"PollCursors":            testPollCursors,
		"UserEvents":             testUserEvents,
		"DeviceLastSeen":         testDeviceLastSeen,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { fn(t, t.Context(), open(t)) })
	}
}

func mustTenant(t *testing.T, ctx context.Context, s *store.DB, name string) *model.Tenant {
	t.Helper()
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: name, Settings: model.TenantSettings{SystemStatePolicy: "queue"}}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatalf("creating tenant: %v", err)
	}
	return tn
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
}

func testTenants(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "acme")
	got, err := s.GetTenantByName(ctx, "acme")
	must(t, err)
	if got.ID != tn.ID || got.Settings.SystemStatePolicy != "queue" || got.CreateTime.IsZero() {
		t.Fatalf("got %+v", got)
	}
	got.DisplayName, got.Settings.MaxChangesPerMinute = "Acme", 30
	must(t, s.UpdateTenant(ctx, got))
	again, err := s.GetTenant(ctx, tn.ID)
	must(t, err)
	if again.DisplayName != "Acme" || again.Settings.MaxChangesPerMinute != 30 {
		t.Fatalf("update lost: %+v", again)
	}
	must(t, s.DeleteTenant(ctx, tn.ID))
	_, err = s.GetTenant(ctx, tn.ID)
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteTenant(ctx, tn.ID), store.ErrNotFound)
}

func testTenantScoping(t *testing.T, ctx context.Context, s *store.DB) {
	a, b := mustTenant(t, ctx, s, "a"), mustTenant(t, ctx, s, "b")
	team := &model.Team{ID: ids.New(ids.Team), TenantID: b.ID, Name: "x"}
	must(t, s.CreateTeam(ctx, team))
	_, err := s.GetTeam(ctx, a.ID, team.ID)
	wantErr(t, err, store.ErrNotFound)
	team.TenantID = a.ID
	wantErr(t, s.UpdateTeam(ctx, team), store.ErrNotFound)
	wantErr(t, s.DeleteTeam(ctx, a.ID, team.ID), store.ErrNotFound)
	list, _, err := s.ListTeams(ctx, a.ID, store.Page{})
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("tenant a lists b's teams: %v", list)
	}
	_, err = s.GetTeam(ctx, b.ID, team.ID)
	must(t, err)
}

func testConflicts(t *testing.T, ctx context.Context, s *store.DB) {
	a, b := mustTenant(t, ctx, s, "a"), mustTenant(t, ctx, s, "b")
	err := s.CreateTenant(ctx, &model.Tenant{ID: ids.New(ids.Tenant), Name: "a"})
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Constraint != "tenants_name_key" {
		t.Fatalf("duplicate tenant: %v", err)
	}
	must(t, s.CreateAgent(ctx, &model.Agent{ID: ids.New(ids.Agent), TenantID: a.ID, Email: "Ann@X.example"}))
	err = s.CreateAgent(ctx, &model.Agent{ID: ids.New(ids.Agent), TenantID: a.ID, Email: " ann@x.EXAMPLE "})
	if !errors.As(err, &ce) || ce.Constraint != "agents_email_key" {
		t.Fatalf("duplicate email (case-insensitive): %v", err)
	}
	// The same email in another tenant is fine.
	must(t, s.CreateAgent(ctx, &model.Agent{ID: ids.New(ids.Agent), TenantID: b.ID, Email: "ann@x.example"}))
}

func testAgentLinks(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "a")
	team := &model.Team{ID: ids.New(ids.Team), TenantID: tn.ID, Name: "t"}
	must(t, s.CreateTeam(ctx, team))
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "zendesk", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: "a@x", TeamIDs: []string{team.ID},
		Identities: []model.Identity{{ConnectionID: conn.ID, ExternalID: "42", Pinned: true}}}
	must(t, s.CreateAgent(ctx, ag))
	got, err := s.GetAgent(ctx, tn.ID, ag.ID)
	must(t, err)
	if len(got.TeamIDs) != 1 || len(got.Identities) != 1 || !got.Identities[0].Pinned || got.Identities[0].LinkTime.IsZero() {
		t.Fatalf("links not stored: %+v", got)
	}
	got.TeamIDs[0] = "tm_mutated" // a caller's copy: changing it must not change what the store returns
	again, err := s.GetAgent(ctx, tn.ID, ag.ID)
	must(t, err)
	if again.TeamIDs[0] != team.ID {
		t.Fatalf("GetAgent returned shared state: %v", again.TeamIDs)
	}
	byTeam, _, err := s.ListAgents(ctx, tn.ID, team.ID, store.Page{})
	must(t, err)
	if len(byTeam) != 1 {
		t.Fatalf("agents of team: %d", len(byTeam))
	}
	other := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: "b@x", Identities: []model.Identity{{ConnectionID: conn.ID, ExternalID: "42"}}}
	var ce *store.ConflictError
	if err := s.CreateAgent(ctx, other); !errors.As(err, &ce) || ce.Constraint != "agent_identities_external_key" {
		t.Fatalf("same vendor user linked twice: %v", err)
	}
	got.TeamIDs, got.Identities = nil, nil
	must(t, s.UpdateAgent(ctx, got))
	got, err = s.GetAgent(ctx, tn.ID, ag.ID)
	must(t, err)
	if len(got.TeamIDs) != 0 || len(got.Identities) != 0 {
		t.Fatalf("links not cleared: %+v", got)
	}
}

func testRules(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "a")
	team := &model.Team{ID: ids.New(ids.Team), TenantID: tn.ID, Name: "t"}
	must(t, s.CreateTeam(ctx, team))
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "cxone", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	r := &model.Rule{ID: ids.New(ids.Rule), TenantID: tn.ID, Name: "r", ConnectionID: conn.ID, TeamIDs: []string{team.ID},
		Inbound:  []model.InboundMapping{{VendorState: "Available for Chats", Status: "available"}, {VendorState: "Break", Status: "previous"}},
		Outbound: []model.OutboundMapping{{Status: "available", VendorState: "Available for Chats"}}}
	must(t, s.CreateRule(ctx, r))
	got, err := s.GetRule(ctx, tn.ID, r.ID)
	must(t, err)
	if len(got.Inbound) != 2 || got.Inbound[1].Status != "previous" || len(got.TeamIDs) != 1 {
		t.Fatalf("rule not stored: %+v", got)
	}
	second := &model.Rule{ID: ids.New(ids.Rule), TenantID: tn.ID, Name: "r2", ConnectionID: conn.ID, TeamIDs: []string{team.ID}}
	var ce *store.ConflictError
	if err := s.CreateRule(ctx, second); !errors.As(err, &ce) || ce.Constraint != "rule_teams_connection_key" {
		t.Fatalf("team assigned twice on one connection: %v", err)
	}
	byConn, _, err := s.ListRules(ctx, tn.ID, conn.ID, store.Page{})
	must(t, err)
	if len(byConn) != 1 {
		t.Fatalf("rules of connection: %d (failed insert must leave nothing)", len(byConn))
	}
}

func testConnectionSecrets(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "a")
	c := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "zendesk", BaseURL: "https://x",
		CredentialKeys: []string{"token"}, Enabled: true, Settings: map[string]string{"subdomain": "acme"}}
	must(t, s.CreateConnection(ctx, c, &model.SealedSecret{KeyID: "k1", Sealed: []byte{1, 2, 3}}))
	sec, err := s.ConnectionSecret(ctx, tn.ID, c.ID)
	must(t, err)
	if sec.KeyID != "k1" || len(sec.Sealed) != 3 {
		t.Fatalf("secret: %+v", sec)
	}
	c.Name = "renamed"
	must(t, s.UpdateConnection(ctx, c, nil)) // keeps the secret
	if _, err := s.ConnectionSecret(ctx, tn.ID, c.ID); err != nil {
		t.Fatalf("secret lost on update: %v", err)
	}
	n, err := s.ResealSecrets(ctx, func(_, _ string, old model.SealedSecret) (model.SealedSecret, error) {
		return model.SealedSecret{KeyID: "k2", Sealed: append(old.Sealed, 4)}, nil
	})
	must(t, err)
	sec, err = s.ConnectionSecret(ctx, tn.ID, c.ID)
	must(t, err)
	if n != 1 || sec.KeyID != "k2" || len(sec.Sealed) != 4 {
		t.Fatalf("reseal: n=%d %+v", n, sec)
	}
	c.CredentialKeys = nil
	must(t, s.UpdateConnection(ctx, c, &model.SealedSecret{}))
	_, err = s.ConnectionSecret(ctx, tn.ID, c.ID)
	wantErr(t, err, store.ErrNotFound)
}

func testCascades(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "a")
	team := &model.Team{ID: ids.New(ids.Team), TenantID: tn.ID, Name: "t"}
	must(t, s.CreateTeam(ctx, team))
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "aircall", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: "a@x", TeamIDs: []string{team.ID}}
	must(t, s.CreateAgent(ctx, ag))
	r := &model.Rule{ID: ids.New(ids.Rule), TenantID: tn.ID, Name: "r", ConnectionID: conn.ID, TeamIDs: []string{team.ID}, AgentIDs: []string{ag.ID}}
	must(t, s.CreateRule(ctx, r))
	wantErr(t, s.DeleteConnection(ctx, tn.ID, conn.ID), store.ErrInUse)
	if before, err := s.GetAgent(ctx, tn.ID, ag.ID); err != nil || len(before.TeamIDs) != 1 { // now cached
		t.Fatalf("agent before team delete: %+v, %v", before, err)
	}
	must(t, s.DeleteTeam(ctx, tn.ID, team.ID))
	got, err := s.GetAgent(ctx, tn.ID, ag.ID)
	must(t, err)
	rule, err := s.GetRule(ctx, tn.ID, r.ID)
	must(t, err)
	if len(got.TeamIDs) != 0 || len(rule.TeamIDs) != 0 || len(rule.AgentIDs) != 1 {
		t.Fatalf("team delete did not cascade: agent %v rule %v", got.TeamIDs, rule.TeamIDs)
	}
	must(t, s.DeleteTenant(ctx, tn.ID))
	_, err = s.GetAgent(ctx, tn.ID, ag.ID)
	wantErr(t, err, store.ErrNotFound)
}

func testPaging(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "a")
	var want []string
	for i := 0; i < 5; i++ {
		st := &model.Status{ID: ids.New(ids.Status), TenantID: tn.ID, Name: string(rune('a' + i)), DisplayName: "x", Kind: "busy"}
		must(t, s.CreateStatus(ctx, st))
		want = append(want, st.ID)
	}
	var got []string
	p := store.Page{Size: 2}
	for {
		list, next, err := s.ListStatuses(ctx, tn.ID, p)
		must(t, err)
		for _, st := range list {
			got = append(got, st.ID)
		}
		if next == "" {
			break
		}
		p.Token = next
	}
	if len(got) != 5 {
		t.Fatalf("paged %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order: got %v want %v (creation order)", got, want)
		}
	}
	_, _, err := s.ListStatuses(ctx, tn.ID, store.Page{Token: "!!"})
	wantErr(t, err, store.ErrInvalidPageToken)
}

func testKeysAndAudit(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "a")
	hub := &model.APIKey{ID: ids.New(ids.APIKey), Name: "root", Role: model.RoleAdmin, Prefix: "phk_", Hash: "h1"}
	must(t, s.CreateAPIKey(ctx, hub))
	tk := &model.APIKey{ID: ids.New(ids.APIKey), TenantID: tn.ID, Name: "t", Role: model.RoleViewer, Prefix: "phk_", Hash: "h2"}
	must(t, s.CreateAPIKey(ctx, tk))
	n, err := s.CountHubAdminKeys(ctx)
	must(t, err)
	if n != 1 {
		t.Fatalf("hub admin keys: %d", n)
	}
	got, err := s.APIKeyByHash(ctx, "h2")
	must(t, err)
	if got.TenantID != tn.ID || got.Role != model.RoleViewer {
		t.Fatalf("key: %+v", got)
	}
	_, err = s.GetAPIKey(ctx, "", tk.ID) // a tenant key is not a hub-wide key
	wantErr(t, err, store.ErrNotFound)
	must(t, s.AppendAudit(ctx, &model.AuditRecord{ID: ids.New(ids.Audit), TenantID: tn.ID, Actor: "x", Action: "CreateTeam", ObjectType: "team", ObjectID: "tm_1"}))
	must(t, s.AppendAudit(ctx, &model.AuditRecord{ID: ids.New(ids.Audit), TenantID: tn.ID, Actor: "x", Action: "DeleteTeam", ObjectType: "team", ObjectID: "tm_2"}))
	recs, _, err := s.ListAudit(ctx, tn.ID, "tm_2", store.Page{})
	must(t, err)
	if len(recs) != 1 || recs[0].Action != "DeleteTeam" {
		t.Fatalf("audit filter: %+v", recs)
	}
}
