package model

import (
	"fmt"
	"strings"
	"testing"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// render writes a menu one line per item: "[x]" checked, "( )" enabled, "---" separator, "   " info.
func render(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		switch {
		case it.Separator:
			b.WriteString("---\n")
		case it.Checked && it.Enabled:
			fmt.Fprintf(&b, "[x] %s\n", it.Label)
		case it.Checked:
			fmt.Fprintf(&b, "[-] %s\n", it.Label)
		case it.Enabled:
			fmt.Fprintf(&b, "( ) %s\n", it.Label)
		default:
			fmt.Fprintf(&b, "    %s\n", it.Label)
		}
	}
	return b.String()
}

func TestMenu(t *testing.T) {
	onCall, _ := connected().WithEvent(&phv1.PresenceEvent{Presence: pres("on-call", KindSystem, 4, SourceSystem, "", now),
		BlockedReason: "On a call — a status you pick now applies when it ends"}, now)
	queued, _ := onCall.WithEvent(&phv1.PresenceEvent{Presence: withQueued(pres("on-call", KindSystem, 5, SourceDevice, device, now), "lunch"),
		BlockedReason: "On a call — will switch to Lunch when it ends"}, now)
	refused := onCall
	refused.Refused = "On a call — status changes wait until it ends"
	offline, _ := connected().WithConn(Disconnected, "hub went away")
	pending, _, _ := offline.Request("lunch")

	tests := []struct {
		name string
		s    State
		want string
	}{
		{"signed out", State{}, `
    Signed out
---
( ) Open Presence Hub
( ) Sign in…
---
( ) Quit
`},
		{"connecting", func() State { s, _ := State{HubURL: "http://hub:8080"}.WithConn(Connecting, ""); return s }(), `
    Connecting…
    Connecting to hub:8080…
---
( ) Open Presence Hub
( ) Sign out…
---
( ) Quit
`},
		{"connected", connected(), `
    Available — since 09:00
---
[x] Available
( ) Busy
( ) Lunch
( ) Offline
---
    Aircall: Available — in sync
    Zendesk — update failed: 401 from Zendesk
---
( ) Open Presence Hub
( ) Sign out…
---
( ) Quit
`},
		{"on a call: picks are queued", onCall, `
    On a call — since 12:00
    On a call — a status you pick now applies when it ends
---
( ) Available
( ) Busy
( ) Lunch
( ) Offline
---
    Aircall: Available — in sync
    Zendesk — update failed: 401 from Zendesk
---
( ) Open Presence Hub
( ) Sign out…
---
( ) Quit
`},
		{"on a call with a queued change", queued, `
    On a call — since 12:00
    On a call — will switch to Lunch when it ends
---
( ) Available
( ) Busy
[x] Lunch (after On a call)
( ) Offline
---
    Aircall: Available — in sync
    Zendesk — update failed: 401 from Zendesk
---
( ) Open Presence Hub
( ) Sign out…
---
( ) Quit
`},
		{"refused: statuses disabled with the reason", refused, `
    On a call — since 12:00
    On a call — status changes wait until it ends
---
    Available
    Busy
    Lunch
    Offline
---
    Aircall: Available — in sync
    Zendesk — update failed: 401 from Zendesk
---
( ) Open Presence Hub
( ) Sign out…
---
( ) Quit
`},
		{"disconnected with a pending change", pending, `
    Available → Lunch (pending: sent when back online)
    Disconnected: hub went away (retrying)
---
( ) Available
( ) Busy
[x] Lunch (pending)
( ) Offline
---
    Aircall: Available — in sync
    Zendesk — update failed: 401 from Zendesk
---
( ) Open Presence Hub
( ) Sign out…
---
( ) Quit
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := "\n" + render(Menu(tt.s, now)); got != tt.want {
				t.Errorf("menu:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func withQueued(p *phv1.Presence, q string) *phv1.Presence { p.QueuedStatus = q; return p }

func TestIconAndTooltip(t *testing.T) {
	offline, _ := connected().WithConn(Disconnected, "hub went away")
	reconnecting, _ := connected().WithConn(Connecting, "")
	kindState := func(kind string) State { s := connected(); s.Presence.Kind = kind; return s }
	revoked, _ := connected().WithConn(SignInRequired, "revoked")
	tests := []struct {
		name    string
		s       State
		icon    IconKind
		tooltip string
	}{
		{"signed out", State{}, IconSignedOut, "Presence Hub: Signed out"},
		{"sign-in required", revoked, IconSignedOut, "Presence Hub: Sign-in needed"},
		{"first connect", func() State { s, _ := State{}.WithConn(Connecting, ""); return s }(), IconConnecting, "Presence Hub: Connecting…"},
		{"reconnecting", reconnecting, IconConnecting, "Presence Hub: Available since 09:00 (set by you, on this computer) — Reconnecting to hub.example.com…"},
		{"disconnected", offline, IconDisconnected, "Presence Hub: Available since 09:00 (set by you, on this computer) — Disconnected: hub went away (retrying)"},
		{"available", connected(), IconAvailable, "Presence Hub: Available since 09:00 (set by you, on this computer)"},
		{"busy", kindState(KindBusy), IconBusy, ""},
		{"away", kindState(KindAway), IconAway, ""},
		{"offline", kindState(KindOffline), IconOffline, ""},
		{"system", kindState(KindSystem), IconSystem, ""},
		{"unknown kind", kindState(""), IconOffline, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Icon(tt.s); got != tt.icon {
				t.Errorf("icon = %v, want %v", got, tt.icon)
			}
			if got := Tooltip(tt.s, now); tt.tooltip != "" && got != tt.tooltip {
				t.Errorf("tooltip = %q, want %q", got, tt.tooltip)
			}
		})
	}
}

func TestEscapeMnemonics(t *testing.T) {
	items := []Item{{Label: "Salesforce: On_Break — in sync"}, {Separator: true}, {Label: "Q&A_desk", Action: ActSetStatus, Status: "q_a", Enabled: true}}
	tests := []struct{ goos, want string }{
		{"linux", `
    Salesforce: On__Break — in sync
---
( ) Q&A__desk
`},
		{"freebsd", `
    Salesforce: On__Break — in sync
---
( ) Q&A__desk
`},
		{"windows", `
    Salesforce: On_Break — in sync
---
( ) Q&&A_desk
`},
		{"darwin", `
    Salesforce: On_Break — in sync
---
( ) Q&A_desk
`},
	}
	for _, tt := range tests {
		got := EscapeMnemonics(items, tt.goos)
		if r := "\n" + render(got); r != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.goos, r, tt.want)
		}
		if got[2].Status != "q_a" || !got[2].Enabled {
			t.Errorf("%s: escaping changed more than the label: %+v", tt.goos, got[2])
		}
	}
	if items[0].Label != "Salesforce: On_Break — in sync" {
		t.Error("EscapeMnemonics changed its argument")
	}
}

func TestMenuVendorLinesCarrySyncIcons(t *testing.T) {
	var got []SyncKind
	for _, it := range Menu(connected(), now) {
		if it.Sync != 0 {
			got = append(got, it.Sync)
		}
	}
	if len(got) != 2 || got[0] != SyncOK || got[1] != SyncError {
		t.Fatalf("sync icons of the menu's vendor lines: %v, want in-sync, error", got)
	}
}

func TestMenuEscapesUnderscores(t *testing.T) {
	s := connected()
	s.Statuses = append(s.Statuses, Status{Name: "transfers_only", Display: "transfers_only", Kind: KindBusy})
	s.Vendors = []Vendor{{Vendor: "salesforce", Sync: "confirmed", State: "On_Break"}}
	menu := render(EscapeMnemonics(Menu(s, now), "linux"))
	for _, want := range []string{"( ) transfers__only\n", "    Salesforce: On Break — in sync\n"} {
		if !strings.Contains(menu, want) {
			t.Errorf("menu lacks %q:\n%s", want, menu)
		}
	}
}
