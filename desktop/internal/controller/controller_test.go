package controller

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/secrets"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/streamclient"
)

func snap(status, kind string, version int64, source string) *phv1.Snapshot {
	return &phv1.Snapshot{DeviceId: "dev_1", AgentId: "agt_1", TenantId: "ten_1",
		Presence: &phv1.Presence{Status: status, Kind: kind, Version: version, Source: source, SourceId: "x"},
		SettableStatuses: []*phv1.Status{{Name: "available", DisplayName: "Available", Kind: "available"},
			{Name: "lunch", DisplayName: "Lunch", Kind: "away"}, {Name: "busy", DisplayName: "Busy", Kind: "busy"}}}
}

type rig struct {
	c      *Controller
	view   *recorder
	keys   *memSecrets
	hub    *fakeHub
	stream *fakeStream
}

func newRig(t *testing.T, signedIn bool) *rig {
	r := &rig{view: newRecorder(), keys: &memSecrets{}, hub: &fakeHub{}, stream: newFakeStream()}
	if signedIn {
		r.keys.creds = &secrets.Credentials{HubURL: "http://hub", Token: "phd_tok", DeviceID: "dev_1"}
	}
	r.c = New(Options{Hub: r.hub, Secrets: r.keys, View: r.view, NewStream: func(string, string) Stream { return r.stream }})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { r.c.Close(); cancel() })
	if err := r.c.Start(ctx, "http://hub"); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStartSignedOutThenSignIn(t *testing.T) {
	r := newRig(t, false)
	if s := r.c.State(); s.Conn != model.SignedOut || s.HubURL != "http://hub" {
		t.Fatalf("start without token: %+v", s)
	}
	if err := r.c.SignIn(context.Background(), "http://hub/", "WRONG"); err == nil {
		t.Fatal("a bad code must fail")
	}
	if r.keys.creds != nil {
		t.Fatal("nothing may be stored after a failed pairing")
	}
	if err := r.c.SignIn(context.Background(), "http://hub/", "GOOD"); err != nil {
		t.Fatal(err)
	}
	if r.keys.creds == nil || r.keys.creds.Token != "phd_tok" || r.keys.creds.HubURL != "http://hub" {
		t.Fatalf("keyring holds %+v", r.keys.creds)
	}
	<-r.stream.ran
	r.stream.updates <- streamclient.Update{State: streamclient.Connected, Snapshot: snap("available", "available", 1, "device")}
	r.view.waitFor(t, "connected", func(s model.State, _ []model.Notice) bool {
		return s.Conn == model.Connected && s.Presence.Status == "available"
	})
}

func TestKeyringRefusalRevokesTheNewToken(t *testing.T) {
	r := newRig(t, false)
	r.keys.err = secrets.ErrUnavailable
	err := r.c.SignIn(context.Background(), "http://hub", "GOOD")
	if !errors.Is(err, secrets.ErrUnavailable) {
		t.Fatalf("SignIn = %v", err)
	}
	if len(r.hub.signOuts) != 1 || r.c.State().SignedIn() {
		t.Fatalf("token not revoked (%v) or state signed in", r.hub.signOuts)
	}
}

func TestSetStatusSendsAndRecordsTheAnswer(t *testing.T) {
	r := newRig(t, true)
	<-r.stream.ran
	r.stream.updates <- streamclient.Update{State: streamclient.Connected, Snapshot: snap("available", "available", 1, "device")}
	r.view.waitFor(t, "connected", func(s model.State, _ []model.Notice) bool { return s.Have })
	r.stream.answer = func(string) (*phv1.Ack, error) {
		return nil, &streamclient.StreamError{Code: "blocked", Reason: "On a call — status changes wait until it ends"}
	}
	if err := r.c.SetStatus("lunch"); err != nil {
		t.Fatal(err)
	}
	if got := <-r.stream.sets; got != "lunch" {
		t.Fatalf("sent %q", got)
	}
	s := r.view.waitFor(t, "refusal", hasNotice(model.NoticeRefused))
	if s.Refused == "" || s.Pending != nil {
		t.Fatalf("after refusal: %+v", s)
	}
	if err := r.c.SetStatus("busy"); err == nil || !strings.Contains(err.Error(), "wait until it ends") {
		t.Fatalf("while refused: %v", err)
	}
}

func TestOfflineChangeIsSentAfterReconnectUnlessHubMovedOn(t *testing.T) {
	r := newRig(t, true)
	<-r.stream.ran
	r.stream.updates <- streamclient.Update{State: streamclient.Connected, Snapshot: snap("available", "available", 1, "device")}
	r.view.waitFor(t, "connected", func(s model.State, _ []model.Notice) bool { return s.Have })
	r.stream.updates <- streamclient.Update{State: streamclient.Disconnected, Err: errBoom}
	r.view.waitFor(t, "disconnected", func(s model.State, _ []model.Notice) bool { return s.Conn == model.Disconnected })
	if err := r.c.SetStatus("lunch"); err != nil {
		t.Fatal(err)
	}
	if p := r.c.State().Pending; p == nil || p.Sent {
		t.Fatalf("pending %+v", p)
	}
	select {
	case s := <-r.stream.sets:
		t.Fatalf("%q sent while disconnected", s)
	case <-time.After(50 * time.Millisecond):
	}
	r.stream.updates <- streamclient.Update{State: streamclient.Connected, Snapshot: snap("available", "available", 1, "device")}
	if got := <-r.stream.sets; got != "lunch" {
		t.Fatalf("sent %q after reconnect", got)
	}
	// The change leaves while the snapshot is being applied: wait until the reconnect is shown and the
	// change answered, so that "disconnected" below is the next drop, not the last one still shown.
	r.view.waitFor(t, "reconnected and answered", func(s model.State, _ []model.Notice) bool {
		return s.Conn == model.Connected && s.Pending == nil
	})

	// Again, but an admin changes the status meanwhile: the hub wins.
	r.stream.updates <- streamclient.Update{State: streamclient.Disconnected, Err: errBoom}
	r.view.waitFor(t, "disconnected", func(s model.State, _ []model.Notice) bool { return s.Conn == model.Disconnected })
	if err := r.c.SetStatus("busy"); err != nil {
		t.Fatal(err)
	}
	r.stream.updates <- streamclient.Update{State: streamclient.Connected, Snapshot: snap("lunch", "away", 5, "admin")}
	s := r.view.waitFor(t, "hub wins", hasNotice(model.NoticeHubWon))
	if s.Pending != nil || s.Presence.Status != "lunch" {
		t.Fatalf("after the hub won: %+v", s)
	}
	select {
	case got := <-r.stream.sets:
		t.Fatalf("%q sent although the hub moved on", got)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestSignInRequiredDeletesTheToken(t *testing.T) {
	r := newRig(t, true)
	<-r.stream.ran
	r.stream.updates <- streamclient.Update{State: streamclient.SignInRequired, Err: streamclient.ErrSignInRequired}
	s := r.view.waitFor(t, "sign-in notice", hasNotice(model.NoticeSignIn))
	if s.Conn != model.SignInRequired || r.keys.creds != nil {
		t.Fatalf("state %v, keyring %+v", s.Conn, r.keys.creds)
	}
}

func TestSignOut(t *testing.T) {
	r := newRig(t, true)
	<-r.stream.ran
	if err := r.c.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.keys.creds != nil || len(r.hub.signOuts) != 1 || r.hub.signOuts[0] != "phd_tok" || r.c.State().Conn != model.SignedOut {
		t.Fatalf("keyring %+v, sign-outs %v, state %v", r.keys.creds, r.hub.signOuts, r.c.State().Conn)
	}

	// The hub unreachable: signed out locally all the same, and told.
	r2 := newRig(t, true)
	r2.hub.failOut = errBoom
	err := r2.c.SignOut(context.Background())
	if err == nil || !strings.Contains(err.Error(), "hub could not be told") || r2.keys.creds != nil {
		t.Fatalf("SignOut = %v, keyring %+v", err, r2.keys.creds)
	}
}

func TestTenantPolicyRefusesOtherTenantsCodes(t *testing.T) {
	r := newRig(t, false)
	r.c.o.Tenant = "ten_other"
	err := r.c.SignIn(context.Background(), "http://hub", "GOOD")
	if !errors.Is(err, ErrWrongTenant) || !strings.Contains(err.Error(), "ten_other") {
		t.Fatalf("SignIn = %v", err)
	}
	if r.keys.creds != nil || len(r.hub.signOuts) != 1 || r.c.State().SignedIn() {
		t.Fatalf("kept %+v, revoked %v, state %+v", r.keys.creds, r.hub.signOuts, r.c.State())
	}
	r.c.o.Tenant = "ten_1"
	if err := r.c.SignIn(context.Background(), "http://hub", "GOOD"); err != nil {
		t.Fatalf("code of the allowed tenant: %v", err)
	}
}
