package presence_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
)

// TestPresenceEventSaysWhetherTheAgentIsLinked: the stream refreshes a device's vendor lines only for
// an agent linked somewhere, so the event must say so from the agent the change was decided on.
func TestPresenceEventSaysWhetherTheAgentIsLinked(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "hub.db"))
	ctx := t.Context()
	b := bus.NewLocal()
	var mu sync.Mutex
	var unlinked []bool
	b.Subscribe(func(ev bus.Event) {
		if ev.Kind == bus.KindPresence {
			mu.Lock()
			unlinked = append(unlinked, ev.Unlinked)
			mu.Unlock()
		}
	})
	e := presence.New(f.st, b, slog.New(slog.NewTextHandler(io.Discard, nil)), presence.Options{})
	t.Cleanup(e.Close)
	change := func(status string) {
		t.Helper()
		res, err := e.Apply(ctx, presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: status, Source: model.SourceDevice, SourceID: "dv_1"})
		if err != nil || res.Outcome != presence.OutcomeApplied {
			t.Fatalf("%s: %+v %v", status, res, err)
		}
	}
	change("available")
	c := &model.Connection{ID: ids.New(ids.Connection), TenantID: f.tenant, Name: "zendesk", Vendor: "zendesk", BaseURL: "https://z.example", Enabled: true}
	must(t, f.st.CreateConnection(ctx, c, nil))
	ag, err := f.st.GetAgent(ctx, f.tenant, f.agent)
	must(t, err)
	ag.Identities = []model.Identity{{ConnectionID: c.ID, ExternalID: "42"}}
	must(t, f.st.UpdateAgent(ctx, ag))
	change("busy")
	mu.Lock()
	defer mu.Unlock()
	if len(unlinked) != 2 || !unlinked[0] || unlinked[1] {
		t.Errorf("events said unlinked %v, want [true false] (linked nowhere, then in Zendesk)", unlinked)
	}
}
