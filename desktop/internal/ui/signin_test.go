package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestSignIn(t *testing.T) {
	test.NewTempApp(t)
	var got []string
	s := NewSignIn("https://hub.example.com", false, func(hub, code string) { got = []string{hub, code} })
	w := test.NewTempWindow(t, s.Content())
	w.Resize(fyne.NewSize(440, 340))
	test.AssertRendersToMarkup(t, "signin_initial.xml", w.Canvas())
	if !s.Submit.Disabled() {
		t.Fatal("Sign in must wait for a pairing code")
	}
	test.Tap(s.Submit)
	if got != nil {
		t.Fatal("a disabled Sign in submitted")
	}
	test.Type(s.Code, "k7qf-m2xd ")
	if s.Submit.Disabled() {
		t.Fatal("Sign in should be enabled with a URL and a code")
	}
	test.Tap(s.Submit)
	if len(got) != 2 || got[0] != "https://hub.example.com" || got[1] != "k7qf-m2xd" {
		t.Fatalf("submitted %q", got)
	}
	s.SetBusy(true)
	if !s.Submit.Disabled() || s.Message.Text != "Signing in…" {
		t.Fatal("busy form should say so and block a second attempt")
	}
	s.SetBusy(false)
	s.SetError("unknown, used or expired pairing code")
	test.AssertRendersToMarkup(t, "signin_error.xml", w.Canvas())

	// Opened again later (signed out by the hub): a fresh form for another code.
	s.Reset("https://other.example.com")
	if s.Code.Text != "" || s.Message.Text != "" || s.HubURL.Text != "https://other.example.com" || !s.Submit.Disabled() {
		t.Fatalf("after Reset: url %q code %q message %q", s.HubURL.Text, s.Code.Text, s.Message.Text)
	}
}

func TestSignInLockedURL(t *testing.T) {
	test.NewTempApp(t)
	s := NewSignIn("https://hub.corp.example", true, func(string, string) {})
	w := test.NewTempWindow(t, s.Content())
	w.Resize(fyne.NewSize(440, 340))
	if !s.HubURL.Disabled() {
		t.Fatal("an enforced hub URL must be read-only")
	}
	s.Reset("https://elsewhere.example")
	if s.HubURL.Text != "https://hub.corp.example" {
		t.Fatal("Reset must not change an enforced hub URL")
	}
	test.AssertRendersToMarkup(t, "signin_locked.xml", w.Canvas())
}
