package model

import (
	"strings"
	"time"
)

// Action is what a menu item does.
type Action int

// Menu actions.
const (
	// ActNone: an information line (disabled).
	ActNone Action = iota
	// ActSetStatus: ask for Item.Status.
	ActSetStatus
	// ActOpen: show the window.
	ActOpen
	// ActSignIn: show the sign-in window.
	ActSignIn
	// ActSignOut: revoke this device and forget its token.
	ActSignOut
	// ActQuit: leave the app.
	ActQuit
)

// Item is one tray menu entry. A zero Item with Separator set is a separator.
type Item struct {
	Label     string
	Action    Action
	Status    string // for ActSetStatus
	Enabled   bool
	Checked   bool
	Separator bool
	// Sync is the sync icon of a connected system's line (zero: no icon).
	Sync SyncKind
}

var separator = Item{Separator: true}

// Menu is the tray menu for a state: the current status (and connection trouble, a pending change or
// a system state's reason), the statuses the agent may pick (the current one checked), one line per
// connected system, then Open, Sign in/out and Quit.
func Menu(s State, now time.Time) []Item {
	items := []Item{{Label: s.Headline() + sinceSuffix(s, now)}}
	if s.SignedIn() && s.Conn != Connected {
		items = append(items, Item{Label: s.ConnLabel()})
	}
	if s.Have && s.SignedIn() {
		if r := s.BlockReason(); r != "" {
			items = append(items, Item{Label: r})
		}
		items = append(items, separator)
		items = append(items, StatusItems(s)...)
		if len(s.Vendors) > 0 {
			items = append(items, separator)
			for _, v := range s.Vendors {
				items = append(items, Item{Label: VendorLine(v), Sync: VendorSync(v)})
			}
		}
	}
	items = append(items, separator, Item{Label: "Open Presence Hub", Action: ActOpen, Enabled: true})
	if s.SignedIn() {
		items = append(items, Item{Label: "Sign out…", Action: ActSignOut, Enabled: true})
	} else {
		items = append(items, Item{Label: "Sign in…", Action: ActSignIn, Enabled: true})
	}
	return append(items, separator, Item{Label: "Quit", Action: ActQuit, Enabled: true})
}

func sinceSuffix(s State, now time.Time) string {
	if !s.Have || !s.SignedIn() || s.Pending != nil || s.Presence.Since.IsZero() {
		return ""
	}
	return " — " + Since(s.Presence.Since, now)
}

// BlockReason is why status changes are held or refused now, or "".
func (s State) BlockReason() string {
	switch {
	case s.Refused != "":
		return s.Refused
	case s.Presence.Blocked != "":
		return s.Presence.Blocked
	case s.Presence.Kind == KindSystem:
		return s.Display(s.Presence.Status) + " — set by your phone system"
	}
	return ""
}

// StatusesEnabled says whether the agent can pick a status now.
func (s State) StatusesEnabled() bool {
	return s.SignedIn() && s.Have && s.Refused == ""
}

// StatusItems are the statuses the agent may pick, as menu items: the current one (or the one asked
// for, or the one queued during a system state) checked, all disabled while changes are refused.
func StatusItems(s State) []Item {
	items := make([]Item, 0, len(s.Statuses))
	for _, st := range s.Statuses {
		items = append(items, s.statusItem(st))
	}
	return items
}

func (s State) statusItem(st Status) Item {
	it := Item{Label: st.Display, Action: ActSetStatus, Status: st.Name, Enabled: s.StatusesEnabled()}
	if it.Label == "" {
		it.Label = humanize(st.Name)
	}
	switch {
	case s.Pending != nil:
		it.Checked = st.Name == s.Pending.Status
		if it.Checked {
			it.Label += " (pending)"
		}
	case s.Presence.Queued != "":
		if st.Name == s.Presence.Queued {
			it.Checked = true
			it.Label += " (after " + s.Display(s.Presence.Status) + ")"
		}
	default:
		it.Checked = st.Name == s.Presence.Status
	}
	return it
}

// EscapeMnemonics makes menu labels show as written in the tray menu of the given OS (runtime.GOOS):
// Linux and BSD trays draw menus through dbusmenu, which reads "_" as a mnemonic marker and hides it
// ("On_Break" shows as "OnBreak"), so it is doubled; Windows menus read "&" so, and it is doubled there.
// macOS menus have no mnemonics. The items are copied, never changed in place.
func EscapeMnemonics(items []Item, goos string) []Item {
	var marker string
	switch goos {
	case "windows":
		marker = "&"
	case "darwin", "ios", "android", "js", "wasip1":
		return items
	default:
		marker = "_"
	}
	out := make([]Item, len(items))
	for i, it := range items {
		it.Label = strings.ReplaceAll(it.Label, marker, marker+marker)
		out[i] = it
	}
	return out
}
