package presence_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
)

// TestAVendorReportSupersedesOnlyTheWritesOlderThanIt is a race TestGenesysChangesArePushed met about
// one run in seventy under load: a vendor's report is taken at version 3, an admin's change at version 4
// queues a write to that vendor, and only then does the report supersede the writes still pending for
// it — the admin's among them, so the vendor kept the older state while the hub showed the new one.
// Writes planned for a version after the report's stand.
func TestAVendorReportSupersedesOnlyTheWritesOlderThanIt(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "hub.db"))
	ctx := t.Context()
	c := &model.Connection{ID: ids.New(ids.Connection), TenantID: f.tenant, Name: "genesys", Vendor: "genesys", BaseURL: "https://genesys.example", Enabled: true}
	must(t, f.st.CreateConnection(ctx, c, nil))
	fc := clock.NewFake(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	e := presence.New(f.st, bus.NewLocal(), slog.New(slog.NewTextHandler(io.Discard, nil)),
		presence.Options{Clock: fc, Planner: everyConnection{c.ID}})
	defer e.Close()
	var versions []int64
	for _, status := range []string{"lunch", "busy"} {
		fc.Advance(time.Second)
		res, err := e.Apply(ctx, presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: status, Source: model.SourceAdmin, SourceID: "ak"})
		if err != nil || res.Outcome != presence.OutcomeApplied {
			t.Fatalf("%s: %+v %v", status, res, err)
		}
		versions = append(versions, res.Presence.Version)
	}
	must(t, f.st.SupersedePending(ctx, f.agent, c.ID, versions[0], fc.Now()))
	ws, _, err := f.st.ListWrites(ctx, f.tenant, c.ID, "", store.Page{Size: 10})
	must(t, err)
	got := map[string]string{}
	for _, w := range ws {
		got[w.VendorState] = w.State
	}
	if got["lunch"] != model.WriteSuperseded || got["busy"] != model.WritePending {
		t.Fatalf("writes after a report taken at v%d: %v; want lunch superseded, busy (v%d) pending", versions[0], got, versions[1])
	}
}
