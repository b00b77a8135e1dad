package teamsemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/shared/testwait"
)

// client speaks Graph to the emulator with an application or a delegated token.
type client struct {
	t   *testing.T
	srv *httptest.Server
	tok string
}

func newClient(t *testing.T, srv *httptest.Server, delegated bool) *client {
	t.Helper()
	f := url.Values{"client_id": {teamsemu.DefaultClientID}, "client_secret": {teamsemu.DefaultClientSecret}, "grant_type": {"client_credentials"}, "scope": {teamsemu.GraphScope}}
	if delegated {
		f.Set("grant_type", "refresh_token")
		f.Set("refresh_token", teamsemu.DefaultRefreshToken)
	}
	resp, err := srv.Client().Post(srv.URL+"/"+teamsemu.DefaultTenantID+"/oauth2/v2.0/token", "application/x-www-form-urlencoded", strings.NewReader(f.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return &client{t: t, srv: srv, tok: out.AccessToken}
}

func (c *client) do(method, path, body string) (int, map[string]any, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, resp.Header
}

func (c *client) presence(id string) string {
	c.t.Helper()
	status, out, _ := c.do("GET", "/v1.0/users/"+id+"/presence", "")
	if status != 200 {
		c.t.Fatalf("presence: %d %v", status, out)
	}
	return out["availability"].(string) + "/" + out["activity"].(string)
}

func (c *client) subscribe(hookURL, exp string, ids ...string) string {
	c.t.Helper()
	res := "/communications/presences?$filter=id in ('" + strings.Join(ids, "','") + "')"
	b, _ := json.Marshal(map[string]any{"changeType": "updated", "notificationUrl": hookURL, "lifecycleNotificationUrl": hookURL,
		"resource": res, "expirationDateTime": exp, "clientState": "s3cret"})
	status, out, _ := c.do("POST", "/v1.0/subscriptions", string(b))
	if status != 201 {
		c.t.Fatalf("subscribe: %d %v", status, out)
	}
	return out["id"].(string)
}

func TestSessionExpiresOnTheClock(t *testing.T) {
	em, srv, clk := serve(t, teamsemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	if err := em.AgentSide().Verbs[emulator.VerbOffline].Do(id); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, false)
	if got := c.presence(id); got != "Offline/Offline" {
		t.Fatalf("signed out, no session: %s", got)
	}
	c.do("POST", "/v1.0/users/"+id+"/presence/setPresence", `{"sessionId":"`+teamsemu.DefaultClientID+`","availability":"Away","activity":"Away"}`)
	clk.Advance(4*time.Minute + 59*time.Second)
	if got := c.presence(id); got != "Away/Away" {
		t.Fatalf("before the default 5 minutes: %s", got)
	}
	clk.Advance(time.Second)
	if got := c.presence(id); got != "Offline/Offline" {
		t.Fatalf("after 5 minutes the session is gone: %s", got)
	}
	c.do("POST", "/v1.0/users/"+id+"/presence/setPresence", `{"sessionId":"`+teamsemu.DefaultClientID+`","availability":"Available","activity":"Available","expirationDuration":"PT4H"}`)
	clk.Advance(4*time.Hour - time.Second)
	c = newClient(t, srv, false) // the first token expired meanwhile
	if got := c.presence(id); got != "Available/Available" || em.SessionExpiry(id, teamsemu.DefaultClientID).IsZero() {
		t.Fatalf("within PT4H: %s", got)
	}
}

func TestPrecedence(t *testing.T) {
	em, srv, _ := serve(t, teamsemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	c := newClient(t, srv, false)
	set := func(avail, act string) {
		c.do("POST", "/v1.0/users/"+id+"/presence/setPresence", `{"sessionId":"`+teamsemu.DefaultClientID+`","availability":"`+avail+`","activity":"`+act+`","expirationDuration":"PT1H"}`)
	}
	set("Away", "Away")
	if got := c.presence(id); got != "Available/Available" {
		t.Errorf("the client's Available beats an Away session: %s", got)
	}
	for _, st := range []string{teamsemu.StateInAMeeting} {
		if err := em.Change(id, st); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.presence(id); got != "Busy/InAMeeting" {
		t.Errorf("in a meeting: %s", got)
	}
	set("DoNotDisturb", "Presenting")
	if got := c.presence(id); got != "DoNotDisturb/Presenting" {
		t.Errorf("DoNotDisturb beats Busy: %s", got)
	}
	if err := em.Change(id, "BeRightBack"); err != nil {
		t.Fatal(err)
	}
	if got := c.presence(id); got != "BeRightBack/BeRightBack" {
		t.Errorf("the preferred presence beats every session: %s", got)
	}
	if err := em.Change(id, teamsemu.StateAutomatic); err != nil {
		t.Fatal(err)
	}
	if err := em.Change(id, teamsemu.StateMeetingEnd); err != nil {
		t.Fatal(err)
	}
	if st, _ := em.State(id); st != "Presenting" {
		t.Errorf("after the meeting, the app's session: %s", st)
	}
	if err := em.Change(id, teamsemu.StateMeetingEnd); err == nil {
		t.Error("leaving a meeting the user is not in succeeded")
	}
}

func TestNotificationsAndLifecycle(t *testing.T) {
	em, srv, clk := serve(t, teamsemu.Options{})
	h := newHook(t)
	ana, bo := em.AddUser("ana@example.com", "Ana"), em.AddUser("bo@example.com", "Bo")
	c := newClient(t, srv, true)
	short := c.subscribe(h.URL, start.Add(10*time.Minute).Format(time.RFC3339), ana)
	long := c.subscribe(h.URL, start.Add(time.Hour).Format(time.RFC3339), bo)
	_ = em.Change(ana, "Busy")
	testwait.For(t, "ana's notification", func() bool { return strings.Contains(strings.Join(h.got(), ""), ana) })
	var n struct {
		Value []struct {
			SubscriptionID, ClientState, ChangeType, Resource string
			ResourceData                                      map[string]string
		}
	}
	if err := json.Unmarshal([]byte(h.got()[0]), &n); err != nil || len(n.Value) != 1 {
		t.Fatalf("notification %s: %v", h.got()[0], err)
	}
	if v := n.Value[0]; v.SubscriptionID != short || v.ClientState != "s3cret" || v.ChangeType != "updated" || v.ResourceData["id"] != ana ||
		v.ResourceData["@odata.type"] != "#microsoft.graph.presence" || v.Resource != "communications/presences/"+ana {
		t.Errorf("notification: %+v", v)
	}
	// The short subscription expires: ana's next change is not delivered (bo's, after it, is).
	clk.Advance(11 * time.Minute)
	_ = em.Change(ana, "Away")
	_ = em.Change(bo, "Away")
	testwait.For(t, "bo's notification", func() bool { return strings.Contains(strings.Join(h.got(), ""), bo) })
	if got := h.got(); len(got) != 2 {
		t.Fatalf("an expired subscription delivered: %q", got)
	}
	// reauthorizationRequired holds notifications until the subscription is renewed.
	if err := em.Lifecycle(long, teamsemu.LifecycleReauthorize); err != nil {
		t.Fatal(err)
	}
	_ = em.Change(bo, "Busy")
	if status, out, _ := c.do("PATCH", "/v1.0/subscriptions/"+long, `{"expirationDateTime":"`+clk.Now().Add(time.Hour).Format(time.RFC3339)+`"}`); status != 200 {
		t.Fatalf("renew: %d %v", status, out)
	}
	_ = em.Change(bo, "DoNotDisturb")
	if err := em.Lifecycle(long, teamsemu.LifecycleRemoved); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the removal", func() bool { return strings.Contains(strings.Join(h.got(), ""), teamsemu.LifecycleRemoved) })
	got := h.got()
	kinds := []string{}
	for _, b := range got[2:] {
		switch {
		case strings.Contains(b, "lifecycleEvent"):
			kinds = append(kinds, b[strings.Index(b, `"lifecycleEvent":"`)+18:][:len("reauth")])
		case strings.Contains(b, `"DoNotDisturb"`), strings.Contains(b, "resourceData"):
			kinds = append(kinds, "change")
		}
	}
	if strings.Join(kinds, ",") != "reauth,change,subscr" {
		t.Errorf("after reauthorizationRequired: %v (%q)", kinds, got[2:])
	}
	if len(em.Subscriptions()) != 0 {
		t.Errorf("subscriptions left: %v", em.Subscriptions())
	}
}

func TestValidationRefusedNoSubscription(t *testing.T) {
	_, srv, _ := serve(t, teamsemu.Options{})
	h := newHook(t)
	h.refuse = true
	c := newClient(t, srv, true)
	status, out, _ := c.do("POST", "/v1.0/subscriptions", `{"changeType":"updated","notificationUrl":"`+h.URL+`","resource":"/communications/presences/x","expirationDateTime":"`+start.Add(time.Hour).Format(time.RFC3339)+`"}`)
	if status != 400 || !strings.Contains(out["error"].(map[string]any)["message"].(string), "validation") {
		t.Errorf("refused validation: %d %v", status, out)
	}
}

func TestThrottle(t *testing.T) {
	em, srv, _ := serve(t, teamsemu.Options{RatePerMinute: 2})
	id := em.AddUser("ana@example.com", "Ana")
	c := newClient(t, srv, false)
	c.presence(id)
	c.presence(id)
	status, out, h := c.do("GET", "/v1.0/users/"+id+"/presence", "")
	if status != 429 || h.Get("Retry-After") == "" || out["error"].(map[string]any)["code"] != "TooManyRequests" {
		t.Errorf("over the budget: %d %v %v", status, h, out)
	}
}
