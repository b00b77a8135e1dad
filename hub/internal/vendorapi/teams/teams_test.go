package teams_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/teams"
)

func TestListUsersPagesAndFallsBackToUPN(t *testing.T) {
	e := start(t, nil)
	want := map[string]string{}
	for i := range 1000 {
		email := fmt.Sprintf("agent%04d@example.com", i)
		want[e.em.AddUser(email, "Agent")] = email
	}
	upnOnly := e.em.AddUserDetails("svc@contoso.onmicrosoft.com", "", "No Mail")
	want[upnOnly] = "svc@contoso.onmicrosoft.com"
	got, pages := map[string]string{}, 0
	for cursor := ""; ; {
		users, next, err := e.a.ListUsers(ctx(t), cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range users {
			got[u.ExternalID] = u.Email
		}
		if cursor = next; next == "" {
			break
		}
	}
	if pages != 2 || len(got) != len(want) {
		t.Fatalf("%d users in %d pages; want %d in 2", len(got), pages, len(want))
	}
	for id, email := range want {
		if got[id] != email {
			t.Errorf("user %s: %q, want %q", id, got[id], email)
		}
	}
	if id, err := e.a.UserByEmail(ctx(t), "SVC@contoso.onmicrosoft.com"); err != nil || id != upnOnly {
		t.Errorf("UserByEmail(UPN) = %q, %v", id, err)
	}
	if _, _, err := e.a.ListUsers(ctx(t), "https://elsewhere.example/v1.0/users"); err == nil {
		t.Error("a cursor off the Graph host was followed")
	}
}

func TestWriteModes(t *testing.T) {
	e := start(t, map[string]string{teams.SettingWriteMode: teams.ModePreferred})
	id := e.em.AddUser("ana@example.com", "Ana")
	for _, s := range []string{"Busy", "DoNotDisturb", "BeRightBack", "Offline", "Available"} {
		if err := e.a.SetState(ctx(t), id, s); err != nil {
			t.Fatalf("SetState(%s): %v", s, err)
		}
		if got, err := e.a.GetState(ctx(t), id); err != nil || got.State != s {
			t.Errorf("after SetState(%s): %+v %v", s, got, err)
		}
	}
	// The preferred presence outranks Teams' own call.
	_ = e.em.Change(id, teamsemu.StateInACall)
	if got, _ := e.em.State(id); got != "Available" {
		t.Errorf("preferred Available during a call: %s", got)
	}

	s := start(t, nil) // session mode
	bo := s.em.AddUser("bo@example.com", "Bo")
	before := len(s.em.Calls())
	for _, st := range []string{"Busy", "DoNotDisturb", "InACall", "InAMeeting", "Presenting", "OutOfOffice"} {
		if err := s.a.SetState(ctx(t), bo, st); !errors.Is(err, vendorapi.ErrNotSettable) || !vendorapi.Permanent(err) {
			t.Errorf("session SetState(%s) = %v; want ErrNotSettable", st, err)
		}
	}
	if n := len(s.em.Calls()); n != before {
		t.Errorf("refusals sent %d requests", n-before)
	}
	_ = s.em.AgentSide().Verbs[emulator.VerbOffline].Do(bo) // Teams client signed out: the session shows
	if err := s.a.SetState(ctx(t), bo, "Away"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.em.State(bo); got != "Away" {
		t.Errorf("session Away: %s", got)
	}
	for _, st := range s.a.StaticStates() {
		if want := st.ID == "Available" || st.ID == "Away"; st.Settable != want {
			t.Errorf("session mode: %s settable=%v", st.ID, st.Settable)
		}
		if st.System != (st.ID == "InACall" || st.ID == "InAConferenceCall" || st.ID == "InAMeeting" || st.ID == "Presenting") {
			t.Errorf("%s system=%v", st.ID, st.System)
		}
	}
}

func TestErrors(t *testing.T) {
	e := start(t, nil)
	id := e.em.AddUser("ana@example.com", "Ana")
	if err := e.a.SetState(ctx(t), "nobody", "Available"); !errors.Is(err, vendorapi.ErrUnknownUser) {
		t.Errorf("unknown user: %v", err)
	}
	bad := e.adapter(t, nil, func(c map[string]string) { c[teams.CredClientSecret] = "wrong" })
	if _, err := bad.GetState(ctx(t), id); !errors.Is(err, vendorapi.ErrAuth) || vendorapi.Permanent(err) {
		t.Errorf("wrong secret: %v; want ErrAuth", err)
	}
	e.em.SetRateLimit(1)
	var err error
	for range 2 {
		if _, err = e.a.GetState(ctx(t), id); err != nil {
			break
		}
	}
	var he *vendorapi.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusTooManyRequests || vendorapi.RetryAfter(err) <= 0 || vendorapi.Permanent(err) {
		t.Errorf("over the throttle: %v; want a retryable 429 with Retry-After", err)
	}
	if _, err := teams.New(vendorapi.Config{Credentials: e.em.Credentials(), Settings: map[string]string{teams.SettingWriteMode: "both"}}); err == nil {
		t.Error("a bad write_mode was accepted")
	}
}

func TestPolling(t *testing.T) {
	e := start(t, nil)
	ana, bo := e.em.AddUser("ana@example.com", "Ana"), e.em.AddUser("bo@example.com", "Bo")
	_ = e.em.Change(bo, teamsemu.StateInAMeeting)
	changes, cursor, err := e.a.Poll(ctx(t), "")
	if err != nil || len(changes) != 1 || changes[0].ExternalID != bo || changes[0].State != "InAMeeting" {
		t.Fatalf("baseline: %+v %v; want only bo's meeting", changes, err)
	}
	_ = e.em.Change(ana, "DoNotDisturb")
	_ = e.em.Change(bo, teamsemu.StateMeetingEnd)
	changes, cursor, err = e.a.Poll(ctx(t), cursor)
	if err != nil || len(changes) != 2 || changes[0].State != "DoNotDisturb" || changes[1].State != "Available" {
		t.Fatalf("changes: %+v %v", changes, err)
	}
	if changes, _, _ = e.a.Poll(ctx(t), cursor); len(changes) != 0 {
		t.Errorf("nothing changed, reported %+v", changes)
	}
	if n := e.calls("POST", "/getPresencesByUserId"); n != 3 {
		t.Errorf("%d batch reads for 3 polls", n)
	}
}
