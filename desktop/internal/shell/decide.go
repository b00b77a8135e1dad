package shell

import (
	"slices"
	"time"

	"presencehub.dev/desktop/internal/model"
)

// view is what the tray shows now, to hand it only what changed.
type view struct {
	items []model.Item
	icon  model.IconKind
	tip   string
}

// change says what to hand the tray: items when the menu changed (nil otherwise), and whether the
// icon and the tooltip changed.
type change struct {
	items     []model.Item
	icon, tip bool
}

// next moves the view to the state's and says what changed; first forces the menu.
func (v *view) next(st model.State, now time.Time, first bool) change {
	var c change
	if items := model.Menu(st, now); first || !slices.Equal(items, v.items) {
		v.items, c.items = items, items
	}
	if icon := model.Icon(st); icon != v.icon {
		v.icon, c.icon = icon, true
	}
	if tip := model.Tooltip(st, now); tip != v.tip {
		v.tip, c.tip = tip, true
	}
	return c
}

// signInWindow decides about the sign-in window for a new state: open it on the first state of a
// signed-out tray (unless a pairing code from the command line is about to sign it in) and when the
// hub signed a signed-in tray out; close it once signed in. signedIn is the new "was signed in".
func signInWindow(first, quiet, wasSignedIn bool, st model.State) (open, close, signedIn bool) {
	switch {
	case st.SignedIn():
		return false, true, true
	case st.Conn == model.SignInRequired && wasSignedIn, st.Conn == model.SignedOut && first && !quiet:
		return true, false, false
	}
	return false, false, wasSignedIn
}
