package shell

import (
	"runtime"
	"testing"

	"presencehub.dev/desktop/internal/model"
)

func TestTrayMenu(t *testing.T) {
	items := []model.Item{
		{Label: "Busy — since 10:00", Sync: model.SyncOK},
		{Separator: true},
		{Label: "Available", Action: model.ActSetStatus, Status: "available", Enabled: true},
		{Label: "Busy", Action: model.ActSetStatus, Status: "busy", Enabled: true, Checked: true},
		{Label: "On_Break", Action: model.ActSetStatus, Status: "lunch"},
		{Separator: true},
		{Label: "Quit", Action: model.ActQuit, Enabled: true},
	}
	var did []model.Item
	m := TrayMenu(items, func(it model.Item) { did = append(did, it) })
	if len(m.Items) != len(items) {
		t.Fatalf("%d items, want %d", len(m.Items), len(items))
	}
	head, avail, busy, lunch, quit := m.Items[0], m.Items[2], m.Items[3], m.Items[4], m.Items[6]
	if head.Icon == nil || head.Icon.Name() != "sync-in-sync.png" || avail.Icon != nil {
		t.Fatalf("sync icons: %v, %v", head.Icon, avail.Icon)
	}
	if !head.Disabled || head.Action != nil || !m.Items[1].IsSeparator {
		t.Fatalf("info line should be disabled and inert: %+v", head)
	}
	if avail.Disabled || avail.Checked || !busy.Checked || !lunch.Disabled || !quit.IsQuit {
		t.Fatalf("flags: avail %+v busy %+v lunch %+v quit %+v", avail, busy, lunch, quit)
	}
	if want := model.EscapeMnemonics(items[4:5], runtime.GOOS)[0].Label; lunch.Label != want {
		t.Fatalf("label %q, want %q escaped for %s", lunch.Label, want, runtime.GOOS)
	}
	avail.Action()
	quit.Action()
	if len(did) != 2 || did[0].Status != "available" || did[1].Action != model.ActQuit {
		t.Fatalf("actions ran with %+v", did)
	}
}
