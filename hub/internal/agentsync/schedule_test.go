package agentsync

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/testwait"
)

func TestIsDue(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &model.Connection{CreateTime: t0}
	ended := &model.SyncRun{State: model.SyncSucceeded, CreateTime: t0.Add(30 * time.Hour)}
	running := &model.SyncRun{State: model.SyncRunning, CreateTime: t0}
	for _, tc := range []struct {
		name string
		last *model.SyncRun
		now  time.Time
		want bool
	}{
		{"never ran, a day after creation", nil, t0.Add(24 * time.Hour), true},
		{"never ran, just created", nil, t0.Add(time.Hour), false},
		{"ran, not a day since", ended, t0.Add(50 * time.Hour), false},
		{"ran, a day since it began", ended, t0.Add(54 * time.Hour), true},
		{"still running", running, t0.Add(100 * time.Hour), false},
	} {
		if got := isDue(c, tc.last, 24*time.Hour, tc.now); got != tc.want {
			t.Errorf("%s: due %v, want %v", tc.name, got, tc.want)
		}
	}
}

// oneUser is a vendor with a single user, for any connection.
type oneUser struct{}

func (oneUser) Supports(v string) bool { return v != "none" }
func (oneUser) ListUsers(context.Context, string, string) ([]vendorapi.User, string, error) {
	return []vendorapi.User{{ExternalID: "7", Email: "ann@x.example"}}, "", nil
}

// TestScheduleStartsDueConnections checks which connections a schedule pass starts: those whose
// interval (their own setting, else the default) has passed, enabled, with a vendor the hub supports.
func TestScheduleStartsDueConnections(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: "a"}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	conn := func(name, vendor string, enabled bool, settings map[string]string) *model.Connection {
		c := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: name, Vendor: vendor, BaseURL: "http://x", Enabled: enabled, Settings: settings}
		if err := st.CreateConnection(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
		return c
	}
	hourly := conn("hourly", "http", true, map[string]string{SettingInterval: "1h"})
	conn("daily", "http", true, nil)
	conn("off", "http", true, map[string]string{SettingInterval: "off"})
	conn("disabled", "http", false, map[string]string{SettingInterval: "1h"})
	conn("unsupported", "none", true, map[string]string{SettingInterval: "1h"})

	now := time.Now().UTC().Add(2 * time.Hour)
	s := New(st, oneUser{}, slog.New(slog.DiscardHandler), Options{Interval: 24 * time.Hour, Now: func() time.Time { return now }})
	s.schedule(ctx)
	// The other connections' runs, had they been started, were started in the same pass as this one.
	testwait.For(t, "the hourly run to end", func() bool {
		r, err := st.LatestSyncRun(ctx, tn.ID, hourly.ID)
		return err == nil && r.State != model.SyncRunning
	})
	s.stop()
	s.wg.Wait()
	for _, c := range []string{"daily", "off", "disabled", "unsupported"} {
		list, _, _ := st.ListConnections(ctx, tn.ID, store.Page{})
		for _, x := range list {
			if x.Name == c {
				if _, err := st.LatestSyncRun(ctx, tn.ID, x.ID); err == nil {
					t.Errorf("%s was started", c)
				}
			}
		}
	}
	r, err := st.LatestSyncRun(ctx, tn.ID, hourly.ID)
	if err != nil || r.Trigger != model.SyncTriggerSchedule || r.State != model.SyncSucceeded || r.Report.UnmatchedVendor != 1 {
		t.Fatalf("hourly run: %+v, %v", r, err)
	}
}
