package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// testDeviceLastSeen: TouchDevices records each device's own time, for one device or several at
// once, and leaves the others alone.
func testDeviceLastSeen(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	var devices []*model.Device
	for i := range 4 {
		code := &model.PairingCode{Hash: ids.New(ids.Device), TenantID: f.tenant.ID, AgentID: f.agent.ID, ExpireTime: time.Now().Add(time.Hour)}
		must(t, s.CreatePairingCode(ctx, code))
		d := &model.Device{ID: ids.New(ids.Device), Name: fmt.Sprint("tray ", i), TokenHash: fmt.Sprint("hash-", i)}
		if _, err := s.RedeemPairingCode(ctx, code.Hash, time.Now(), d); err != nil {
			t.Fatal(err)
		}
		devices = append(devices, d)
	}
	at := time.Date(2026, 12, 8, 9, 30, 0, 0, time.UTC)
	must(t, s.TouchDevices(ctx, map[string]time.Time{devices[0].ID: at}))
	must(t, s.TouchDevices(ctx, map[string]time.Time{devices[1].ID: at.Add(time.Second), devices[2].ID: at.Add(2 * time.Second)}))
	want := map[string]time.Time{devices[0].ID: at, devices[1].ID: at.Add(time.Second), devices[2].ID: at.Add(2 * time.Second), devices[3].ID: {}}
	list, err := s.ListDevices(ctx, f.tenant.ID, f.agent.ID)
	if err != nil || len(list) != len(devices) {
		t.Fatalf("ListDevices = %d devices, %v", len(list), err)
	}
	for _, d := range list {
		if !d.LastSeenTime.Equal(want[d.ID]) {
			t.Errorf("device %s last seen %v, want %v", d.Name, d.LastSeenTime, want[d.ID])
		}
	}
}
