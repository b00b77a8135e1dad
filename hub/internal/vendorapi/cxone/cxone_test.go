package cxone_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/cxoneemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/cxone"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
)

func pair() vendortest.Pair {
	return vendortest.Pair{
		NewEmulator:   func(*testing.T) emulator.Emulator { return cxoneemu.New(cxoneemu.Options{}) },
		Factory:       cxone.New,
		Settable:      "Available",
		OtherSettable: "unavailable:Lunch",
		NotSettable:   "AfterCallWork",
		PageSize:      cxoneemu.MaxTop,
	}
}

func TestContract(t *testing.T) { vendortest.Run(t, pair()) }

// serve starts a business unit over real HTTP and an adapter for it.
func serve(t *testing.T) (*cxoneemu.Emulator, vendorapi.Adapter) {
	t.Helper()
	em := cxoneemu.New(cxoneemu.Options{})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	a, err := cxone.New(vendorapi.Config{BaseURL: srv.URL + "/inContactAPI/", Credentials: em.Credentials(), Settings: em.Settings(), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return em, a
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// count is how many recorded calls had a path ending in suffix.
func count(em *cxoneemu.Emulator, suffix string) int {
	n := 0
	for _, c := range em.Calls() {
		if strings.HasSuffix(c.Path, suffix) {
			n++
		}
	}
	return n
}

func TestAfterCallWorkWriteWaits(t *testing.T) {
	em, a := serve(t)
	id := em.AddUser("ana@example.com", "Ana")
	if err := em.Change(id, "AfterCallWork"); err != nil {
		t.Fatal(err)
	}
	err := a.SetState(ctx(t), id, "Available")
	be, busy := vendorapi.Busy(err)
	if !busy || be.Drop || vendorapi.Permanent(err) || !strings.Contains(err.Error(), "After Call Work") {
		t.Fatalf("SetState during ACW = %v; want a busy write that waits (not dropped, not permanent)", err)
	}
	if got, _ := em.State(id); got != "AfterCallWork" {
		t.Errorf("state %q; ACW must be left alone", got)
	}
	if err := em.FinishContact(id); err != nil {
		t.Fatal(err)
	}
	if err := a.SetState(ctx(t), id, "unavailable:Break"); err != nil {
		t.Fatalf("SetState after ACW: %v", err)
	}
	if got, _ := em.State(id); got != "unavailable:Break" {
		t.Errorf("state %q; want unavailable:Break", got)
	}
}

func TestLoggedOutAgentHasNoSession(t *testing.T) {
	em, a := serve(t)
	id := em.AddUser("ana@example.com", "Ana")
	if err := em.Change(id, "LoggedOut"); err != nil {
		t.Fatal(err)
	}
	err := a.SetState(ctx(t), id, "Available")
	be, busy := vendorapi.Busy(err)
	if !errors.Is(err, cxone.ErrNoSession) || !busy || !be.Drop || !vendorapi.Permanent(err) {
		t.Fatalf("SetState for a logged-out agent = %v; want ErrNoSession, dropped", err)
	}
	if n := count(em, "/state"); n != 0 {
		t.Errorf("%d state requests for an agent without a session; want none", n)
	}
	if as, err := a.GetState(ctx(t), id); err != nil || as.State != "LoggedOut" {
		t.Errorf("GetState = %+v, %v; want LoggedOut", as, err)
	}
}

func TestSessionJoinedOnceAndRejoinedAfterRelogin(t *testing.T) {
	em, a := serve(t)
	id := em.AddUser("ana@example.com", "Ana")
	for _, s := range []string{"Available", "Unavailable"} {
		if err := a.SetState(ctx(t), id, s); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(em, "/join"); n != 1 {
		t.Errorf("%d joins for two writes; want the session joined once", n)
	}
	_ = em.Change(id, "LoggedOut")
	_ = em.Change(id, "Unavailable") // logs in: a new session
	if err := a.SetState(ctx(t), id, "Available"); err != nil {
		t.Fatalf("SetState after the agent logged in again: %v", err)
	}
	if got, _ := em.State(id); got != "Available" || count(em, "/join") != 2 {
		t.Errorf("state %q after %d joins; want Available after joining the new session", got, count(em, "/join"))
	}
}

func TestReasonMustBeTeamCode(t *testing.T) {
	em, a := serve(t)
	id := em.AddUser("bo@example.com", "Bo")
	if err := em.SetTeam(id, cxoneemu.TeamSales); err != nil {
		t.Fatal(err)
	}
	err := a.SetState(ctx(t), id, "unavailable:Training")
	if !errors.Is(err, cxone.ErrUnknownCode) || !vendorapi.Permanent(err) {
		t.Errorf("SetState with another team's code = %v; want ErrUnknownCode (permanent)", err)
	}
	if err := a.SetState(ctx(t), id, "unavailable:Lunch"); err != nil {
		t.Errorf("SetState with the team's code: %v", err)
	}
}

func TestStateDuringContactAppliesAfterIt(t *testing.T) {
	em, a := serve(t)
	id := em.AddUser("ana@example.com", "Ana")
	_ = em.Change(id, "InboundContact")
	if err := a.SetState(ctx(t), id, "unavailable:Meeting"); err != nil {
		t.Fatal(err)
	}
	if as, _ := a.GetState(ctx(t), id); as.State != "InboundContact" {
		t.Errorf("GetState during the contact = %q; CXone does not interrupt contacts", as.State)
	}
	_ = em.FinishContact(id)
	if as, _ := a.GetState(ctx(t), id); as.State != "unavailable:Meeting" {
		t.Errorf("GetState after the contact = %q; want the requested unavailable:Meeting", as.State)
	}
}

func TestListStatesAndSystemStates(t *testing.T) {
	em, a := serve(t)
	states, err := a.ListStates(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]vendorapi.State{}
	for _, s := range states {
		byID[s.ID] = s
	}
	for _, id := range []string{"Available", "Unavailable", "unavailable:Lunch", "unavailable:Break", "unavailable:Meeting", "unavailable:Training"} {
		if !byID[id].Settable {
			t.Errorf("%s: %+v; want listed as settable", id, byID[id])
		}
	}
	for _, id := range []string{"InboundContact", "OutboundContact", "AfterCallWork", "Refused"} {
		if s, ok := byID[id]; !ok || s.Settable || !s.System {
			t.Errorf("%s: %+v; want a listed system state", id, s)
		}
	}
	for _, id := range []string{"unavailable:Personal", "unavailable:ACW", "unavailable:Refused"} {
		if _, ok := byID[id]; ok {
			t.Errorf("%s listed; inactive, ACW and reserved codes are not reasons", id)
		}
	}
	// ACW codes are refused without a request once known.
	user := em.AddUser("ana@example.com", "Ana")
	before := len(em.Calls())
	if err := a.SetState(ctx(t), user, "unavailable:ACW"); !errors.Is(err, vendorapi.ErrNotSettable) || len(em.Calls()) != before {
		t.Errorf("SetState(unavailable:ACW) = %v after %d requests; want ErrNotSettable, none", err, len(em.Calls())-before)
	}
	for _, s := range []string{"OutboundContact", "AfterCallWork", "Refused", "unavailable:Lunch", "LoggedOut"} {
		_ = em.Change(user, s)
		if as, err := a.GetState(ctx(t), user); err != nil || as.State != s {
			t.Errorf("GetState after Change(%s) = %+v, %v", s, as, err)
		}
	}
}

func TestPollReportsSystemStatesInOrder(t *testing.T) {
	em, a := serve(t)
	p := a.(vendorapi.Poller)
	ana, bo := em.AddUser("ana@example.com", "Ana"), em.AddUser("bo@example.com", "Bo")
	_, cursor, err := p.Poll(ctx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	_ = em.Change(ana, "InboundContact")
	time.Sleep(2 * time.Millisecond) // distinct update times, which order the changes: not a wait
	_ = em.Change(bo, "Refused")
	time.Sleep(2 * time.Millisecond) // likewise
	_ = em.Change(ana, "AfterCallWork")
	changes, _, err := p.Poll(ctx(t), cursor)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.ExternalID+"="+c.State)
	}
	if want := []string{bo + "=Refused", ana + "=AfterCallWork"}; !slices.Equal(got, want) {
		t.Errorf("changes %v; want %v (each agent's newest state, oldest first)", got, want)
	}
}

func TestExpiredTokenSignsInAgain(t *testing.T) {
	em, a := serve(t)
	id := em.AddUser("ana@example.com", "Ana")
	if _, err := a.GetState(ctx(t), id); err != nil {
		t.Fatal(err)
	}
	em.ExpireTokens()
	if _, err := a.GetState(ctx(t), id); err != nil {
		t.Fatalf("GetState after the token expired: %v", err)
	}
	if n := count(em, cxoneemu.TokenPath); n != 2 {
		t.Errorf("%d token requests; want 2", n)
	}
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []vendorapi.Config{
		{Credentials: map[string]string{"access_key_id": "x", "access_key_secret": "y"}},
		{BaseURL: "https://api-c4.incontact.com", Credentials: map[string]string{"access_key_id": "x"}},
		{BaseURL: "not a url", Credentials: map[string]string{"access_key_id": "x", "access_key_secret": "y"}},
	} {
		if _, err := cxone.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}
