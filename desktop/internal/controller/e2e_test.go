package controller

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/secrets"
	"presencehub.dev/shared/streamclient"
	"presencehub.dev/shared/testwait"
)

// TestEndToEnd runs a real hub (the presence-hub binary), signs the tray in with a pairing code through
// the controller (the path the sign-in window uses), changes the status through it (the path of the
// menu and the status picker), and checks the hub's REST API and a second device's stream. It then
// cuts the tray's network: a change made meanwhile is sent on reconnect, and one the hub overtook is
// dropped with a notice. Signing out revokes the device on the hub and empties the keyring.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a hub process")
	}
	h := startHub(t)
	tn := h.seed(t)
	px := newProxy(t, strings.TrimPrefix(h.url, "http://"))
	keyring.MockInit() // the real Secret Service is covered by package secrets' test
	t.Cleanup(keyring.MockInit)

	// A second device of the same agent, watching the stream.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	second, err := hubapi.Client{}.Pair(ctx, h.url, h.pairingCode(t, tn), "second device")
	if err != nil {
		t.Fatal(err)
	}
	watcher := newWatcher(ctx, h.url, second.Token)

	view := newRecorder()
	c := New(Options{Hub: hubapi.Client{}, Secrets: secrets.Store{}, View: view, DeviceName: "e2e laptop",
		MaxBackoff: 300 * time.Millisecond})
	if err := c.Start(ctx, px.url()); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if s := c.State(); s.Conn != model.SignedOut {
		t.Fatalf("first run should be signed out: %v", s.Conn)
	}

	// History from before this computer signed in, which no stream delivered to it.
	h.setPresence(t, tn, "busy", "before this computer signed in")
	h.setPresence(t, tn, "available", "start of shift")

	// Sign in.
	if err := c.SignIn(ctx, px.url(), h.pairingCode(t, tn)); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	stored, err := secrets.Store{}.Load()
	if err != nil || !strings.HasPrefix(stored.Token, "phd_") || stored.HubURL != px.url() {
		t.Fatalf("keyring after sign-in: %+v, %v", stored, err)
	}
	s := view.waitFor(t, "the first snapshot", func(s model.State, _ []model.Notice) bool { return s.Conn == model.Connected && s.Have })
	if s.DeviceID != stored.DeviceID || len(s.Statuses) != 4 {
		t.Fatalf("snapshot state: device %s (stored %s), statuses %+v", s.DeviceID, stored.DeviceID, s.Statuses)
	}
	// The window opens: its recent changes come from the hub's timeline, read with the device token.
	if err := c.LoadTimeline(ctx); err != nil {
		t.Fatalf("LoadTimeline: %v", err)
	}
	if tl := c.State().Timeline; len(tl) < 2 || tl[0].Reason != "start of shift" || tl[1].Reason != "before this computer signed in" {
		t.Fatalf("recent changes after loading the hub's timeline: %+v", tl)
	}

	// Change the status through the tray: the hub and the second device see it.
	if err := c.SetStatus("lunch"); err != nil {
		t.Fatal(err)
	}
	view.waitFor(t, "lunch applied", func(s model.State, _ []model.Notice) bool { return s.Presence.Status == "lunch" && s.Pending == nil })
	if p := h.presence(t, tn); p["status"] != "lunch" || p["source"] != "device" || p["source_id"] != stored.DeviceID {
		t.Fatalf("hub presence after the tray's change: %v", p)
	}
	watcher.waitFor(t, "lunch", stored.DeviceID)

	// An admin changes it: the tray shows it and tells the agent.
	h.setPresence(t, tn, "busy", "covering the queue")
	view.waitFor(t, "the admin's change", func(s model.State, ns []model.Notice) bool {
		return s.Presence.Status == "busy" && slices.ContainsFunc(ns, func(n model.Notice) bool {
			return n.Kind == model.NoticeChanged && strings.Contains(n.Body, "an admin: covering the queue")
		})
	})

	// Offline: the change waits, then goes out on reconnect.
	px.cut()
	view.waitFor(t, "disconnected", func(s model.State, _ []model.Notice) bool { return s.Conn != model.Connected })
	if err := c.SetStatus("available"); err != nil {
		t.Fatal(err)
	}
	if p := c.State().Pending; p == nil || p.Sent {
		t.Fatalf("offline change should be pending, unsent: %+v", p)
	}
	// The proxy refuses every connection while cut, so nothing can have gone out after this point.
	if p := h.presence(t, tn); p["status"] != "busy" {
		t.Fatalf("the hub got the change while the tray was offline: %v", p)
	}
	px.restore()
	view.waitFor(t, "the pending change applied", func(s model.State, _ []model.Notice) bool {
		return s.Conn == model.Connected && s.Presence.Status == "available" && s.Pending == nil
	})
	if p := h.presence(t, tn); p["status"] != "available" {
		t.Fatalf("hub after reconnect: %v", p)
	}
	watcher.waitFor(t, "available", stored.DeviceID)

	// Offline again, but the admin changes the status meanwhile: the hub wins, the agent is told.
	px.cut()
	view.waitFor(t, "disconnected", func(s model.State, _ []model.Notice) bool { return s.Conn != model.Connected })
	if err := c.SetStatus("lunch"); err != nil {
		t.Fatal(err)
	}
	h.setPresence(t, tn, "offline", "end of shift")
	px.restore()
	s = view.waitFor(t, "hub wins", func(s model.State, ns []model.Notice) bool {
		return s.Conn == model.Connected && slices.ContainsFunc(ns, func(n model.Notice) bool { return n.Kind == model.NoticeHubWon })
	})
	if s.Presence.Status != "offline" || s.Pending != nil {
		t.Fatalf("after the hub won: status %s pending %+v", s.Presence.Status, s.Pending)
	}
	// The tray's next change reaches the second device after anything it sent before: had the
	// overtaken lunch gone out, the watcher would see it first.
	if err := c.SetStatus("busy"); err != nil {
		t.Fatal(err)
	}
	watcher.waitFor(t, "busy", stored.DeviceID, [2]string{"lunch", stored.DeviceID})

	// Sign out: revoked on the hub, gone from the keyring.
	if err := c.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := (secrets.Store{}).Load(); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("keyring after sign-out: %v", err)
	}
	if devs := h.devices(t, tn); slices.Contains(devs, stored.DeviceID) || !slices.Contains(devs, second.DeviceID) {
		t.Fatalf("devices after sign-out: %v (tray %s, second %s)", devs, stored.DeviceID, second.DeviceID)
	}
	if err := (hubapi.Client{}).SignOut(ctx, h.url, stored.Token); err != nil {
		t.Fatalf("a revoked token's sign-out should be a no-op: %v", err)
	}
	rc := streamclient.New(streamclient.Options{HubURL: h.url, Token: stored.Token})
	if err := rc.Run(ctx); !errors.Is(err, streamclient.ErrSignInRequired) {
		t.Fatalf("the revoked token still opens the stream: %v", err)
	}
}

// watcher is a second device: it records the statuses its stream reports.
type watcher struct {
	seen chan [2]string // status, source id
}

func newWatcher(ctx context.Context, hubURL, token string) *watcher {
	w := &watcher{seen: make(chan [2]string, 64)}
	sc := streamclient.New(streamclient.Options{HubURL: hubURL, Token: token})
	go func() { _ = sc.Run(ctx) }()
	go func() {
		for u := range sc.Updates() {
			for _, ev := range u.Events {
				w.seen <- [2]string{ev.GetPresence().GetStatus(), ev.GetPresence().GetSourceId()}
			}
		}
	}()
	return w
}

// waitFor waits until the second device sees status set by sourceID, failing if it sees any of never
// (status, source id) first.
func (w *watcher) waitFor(t *testing.T, status, sourceID string, never ...[2]string) {
	t.Helper()
	deadline := time.After(testwait.Default)
	for {
		select {
		case got := <-w.seen:
			if got == [2]string{status, sourceID} {
				return
			}
			if slices.Contains(never, got) {
				t.Fatalf("the second device saw %s by %s before %s", got[0], got[1], status)
			}
		case <-deadline:
			t.Fatalf("the second device never saw %s by %s", status, sourceID)
		}
	}
}
