package shell

import (
	"testing"
	"time"

	"presencehub.dev/desktop/internal/model"
)

func TestSignInWindow(t *testing.T) {
	signedOut := model.State{Conn: model.SignedOut}
	refused := model.State{Conn: model.SignInRequired}
	for _, tc := range []struct {
		name                  string
		first, quiet, was     bool
		st                    model.State
		open, close, signedIn bool
	}{
		{"first run opens it", true, false, false, signedOut, true, false, false},
		{"first run with --pairing-code stays quiet", true, true, false, signedOut, false, false, false},
		{"signed out later (sign out) does not", false, false, true, signedOut, false, false, true},
		{"connecting closes it", false, false, false, model.State{Conn: model.Connecting}, false, true, true},
		{"connected closes it", true, false, false, model.State{Conn: model.Connected}, false, true, true},
		{"the hub signed a signed-in tray out", false, false, true, refused, true, false, false},
		{"refused again: already open", false, false, false, refused, false, false, false},
		{"started with a dead token", true, false, false, refused, false, false, false},
	} {
		open, closeIt, signedIn := signInWindow(tc.first, tc.quiet, tc.was, tc.st)
		if open != tc.open || closeIt != tc.close || signedIn != tc.signedIn {
			t.Errorf("%s: open %v close %v signedIn %v, want %v %v %v", tc.name, open, closeIt, signedIn, tc.open, tc.close, tc.signedIn)
		}
	}
}

func TestViewHandsOnlyChanges(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	v := view{icon: -1}
	c := v.next(model.State{Conn: model.Connecting}, now, true)
	if c.items == nil || !c.icon || !c.tip {
		t.Fatalf("first state: %+v", c)
	}
	if c := v.next(model.State{Conn: model.Connecting}, now, false); c.items != nil || c.icon || c.tip {
		t.Fatalf("same state again: %+v", c)
	}
	c = v.next(model.State{Conn: model.SignedOut}, now, false)
	if c.items == nil || !c.icon || v.icon != model.IconSignedOut {
		t.Fatalf("signed out: %+v, icon %v", c, v.icon)
	}
}
