package console_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// boardEnv is a tenant with an Aircall emulator wired in both directions (webhooks in, writes out)
// and a team of two agents linked to its users.
type boardEnv struct {
	*fixture
	em         *aircallemu.Emulator
	conn, team string
	ann, bob   string // agent ids
	annUser    string // their Aircall users
	bobUser    string
}

func newBoardEnv(t *testing.T) *boardEnv {
	t.Helper()
	f := newFixture(t, hubtest.WithConfig(func(c *config.Config) {
		c.Sync.MaxAttempts, c.Sync.MinBackoff, c.Sync.MaxBackoff = 2, 20*time.Millisecond, 100*time.Millisecond
	}))
	e := &boardEnv{fixture: f, em: aircallemu.New(aircallemu.Options{RatePerMinute: -1})}
	t.Cleanup(e.em.Close)
	srv := httptest.NewServer(e.em)
	t.Cleanup(srv.Close)
	base := "/v1/tenants/" + f.tenant
	must := func(method, path string, body any) map[string]any {
		return f.hub.Must(t, http.StatusOK, f.admin, method, base+path, body)
	}
	for _, st := range []map[string]any{{"name": "e2e-ready", "display_name": "Ready", "kind": "available"},
		{"name": "e2e-away", "display_name": "Away", "kind": "away"}} {
		must("POST", "/statuses", st)
	}
	e.team = must("POST", "/teams", map[string]any{"name": "Support"})["team"].(map[string]any)["id"].(string)
	e.conn = must("POST", "/connections", map[string]any{"name": "calls", "vendor": "aircall", "base_url": srv.URL,
		"credentials": e.em.Credentials()})["connection"].(map[string]any)["id"].(string)
	e.em.AddWebhook(f.hub.URL + "/v1/webhooks/" + e.conn)
	agent := func(email, name string) (string, string) {
		u := e.em.AddUser(email, name)
		a := must("POST", "/agents", map[string]any{"email": email, "display_name": name, "team_ids": []string{e.team},
			"identities": []map[string]any{{"connection_id": e.conn, "external_id": u}}})
		return a["agent"].(map[string]any)["id"].(string), u
	}
	e.ann, e.annUser = agent("ann@acme.test", "Ann")
	e.bob, e.bobUser = agent("bob@acme.test", "Bob")
	must("POST", "/rules", map[string]any{"name": "calls-map", "connection_id": e.conn, "team_ids": []string{e.team},
		"inbound":  []map[string]any{{"vendor_state": "available", "status": "e2e-ready"}, {"vendor_state": "unavailable", "status": "e2e-away"}},
		"outbound": []map[string]any{{"status": "e2e-ready", "vendor_state": "available"}, {"status": "e2e-away", "vendor_state": "unavailable"}}})
	return e
}

// card is the board's card of an agent, in a status.
func card(agent, status string) chromedp.CSS {
	return chromedp.CSS(`li[data-agent="` + agent + `"][data-status="` + status + `"]`)
}

func TestBoardWritesAndAgentsInChromium(t *testing.T) {
	e := newBoardEnv(t)
	ctx := newChrome(t)
	base := "/v1/tenants/" + e.tenant

	run(t, ctx, "sign in",
		chromedp.Navigate(e.hub.URL+"/console/sign-in"),
		chromedp.WaitVisible(chromedp.CSS("#key")),
		chromedp.SendKeys(chromedp.CSS("#key"), e.admin+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#role")))

	// The board: Ann changes inside Aircall; the card follows over the stream.
	run(t, ctx, "open the team's board",
		chromedp.Click(chromedp.CSS(`a[href="/console/teams"]`)),
		chromedp.WaitVisible(chromedp.CSS("#teams")),
		chromedp.Click(chromedp.CSS(`a[href="/console/teams/`+e.team+`/board"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#board[data-live="true"]`)))
	start := time.Now()
	if err := e.em.Change(e.annUser, "unavailable"); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "Ann's card turns away", chromedp.WaitVisible(card(e.ann, "e2e-away")))
	t.Logf("the board showed Aircall's change %v after it", time.Since(start).Round(time.Millisecond))
	e.hub.Must(t, http.StatusOK, e.admin, "PUT", base+"/agents/"+e.bob+"/presence", map[string]any{"status": "e2e-ready", "reason": "test"})
	run(t, ctx, "Bob's card turns ready", chromedp.WaitVisible(card(e.bob, "e2e-ready")), shot("board"))
	if since := value(t, ctx, "time in status", chromedp.Text(chromedp.CSS(`li[data-agent="`+e.ann+`"] .b-since`))); since == "" {
		t.Error("Ann's card shows no time in status")
	}
	run(t, ctx, "filter the board to away agents",
		chromedp.SetValue(chromedp.CSS("#f-kind"), "away"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-kind").dispatchEvent(new Event("input"))`),
		chromedp.WaitNotVisible(chromedp.CSS(`li[data-agent="`+e.bob+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`li[data-agent="`+e.ann+`"]`)))
	accessible(t, ctx, "board")

	// A dead write, retried: Aircall is down while Bob is set away, then back.
	// Bob's write of ready (saved with the change, before the PUT answered) settles before the outage.
	testwait.For(t, "no write to Aircall pending", func() bool {
		w := e.hub.Must(t, http.StatusOK, e.admin, "GET", base+"/connections/"+e.conn+"/writes?state=pending", nil)["writes"]
		return w == nil || len(w.([]any)) == 0
	})
	e.em.Outage.Set(true)
	e.hub.Must(t, http.StatusOK, e.admin, "PUT", base+"/agents/"+e.bob+"/presence", map[string]any{"status": "e2e-away", "reason": "test"})
	deadWrites := func() int {
		return len(e.hub.Must(t, http.StatusOK, e.admin, "GET", base+"/connections/"+e.conn+"/writes?state=dead", nil)["writes"].([]any))
	}
	testwait.For(t, "Bob's write to Aircall is dead", func() bool { return deadWrites() == 1 })
	e.em.Outage.Set(false)
	run(t, ctx, "retry it from the writes page",
		chromedp.Click(chromedp.CSS(`a[href="/console/writes"]`)),
		chromedp.WaitVisible(chromedp.CSS("button.retry")))
	accessible(t, ctx, "writes")
	run(t, ctx, "click retry", chromedp.Click(chromedp.CSS("button.retry")), chromedp.WaitVisible(chromedp.CSS("p.notice")))
	testwait.For(t, "Bob's write delivered after the retry", func() bool {
		st, err := e.em.State(e.bobUser)
		return deadWrites() == 0 && err == nil && st == "unavailable"
	})

	// Agents: search with the keyboard alone, then the agent's page explains the status.
	run(t, ctx, "search for Ann",
		chromedp.Click(chromedp.CSS(`a[href="/console/agents"]`)),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "ANN"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#agents[data-query="ANN"] a[href="/console/agents/`+e.ann+`"]`))) // the answer, not the list before it
	if n := value(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#agents tbody tr").length`)); n != 1 {
		t.Fatalf("search for ANN: %d rows", n)
	}
	accessible(t, ctx, "agents")
	run(t, ctx, "open Ann",
		chromedp.Click(chromedp.CSS(`#agents a[href="/console/agents/`+e.ann+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#why")), shot("agent"))
	run(t, ctx, "dry run: what would Aircall get if Ann were away",
		chromedp.SetValue(chromedp.CSS("#d-status"), "e2e-away"),
		chromedp.Click(chromedp.CSS("#dry-run")),
		chromedp.WaitVisible(chromedp.CSS("#plan")))
	if plan := value(t, ctx, "plan", chromedp.Text(chromedp.CSS("#plan tbody"))); !strings.Contains(plan, "rule calls-map") || !strings.Contains(plan, "unavailable") {
		t.Fatalf("dry run shows %q", plan)
	}
	accessible(t, ctx, "agent")
	for _, p := range []string{"/console/api-keys", "/console/audit", "/console/overview", "/console/connections", "/console/rules?template=aircall-zendesk"} {
		run(t, ctx, p, chromedp.Navigate(e.hub.URL+p), chromedp.WaitVisible(chromedp.CSS("h1")))
		unlabelled(t, ctx, p)
		accessible(t, ctx, p)
	}
	// A connection's page: agent sync started from the keyboard, its run followed until it ends.
	run(t, ctx, "run an agent sync from the keyboard",
		chromedp.Navigate(e.hub.URL+"/console/connections/"+e.conn), chromedp.WaitVisible(chromedp.CSS("#vendor-states")),
		chromedp.Focus(chromedp.CSS("#start-sync")), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#run[data-state="succeeded"]`)), shot("sync-run"))
	accessible(t, ctx, "sync run")
	run(t, ctx, "the connection lists the run",
		chromedp.Navigate(e.hub.URL+"/console/connections/"+e.conn), chromedp.WaitVisible(chromedp.CSS("#sync-runs")), shot("connection"))
	unlabelled(t, ctx, "connection")
	accessible(t, ctx, "connection")

	// A tablet (768×1024, portrait): no page scrolls sideways (wide tables scroll inside themselves).
	run(t, ctx, "a tablet's viewport", chromedp.EmulateViewport(768, 1024))
	for _, p := range []string{"/console/overview", "/console/agents", "/console/rules", "/console/connections",
		"/console/connections/" + e.conn, "/console/teams/" + e.team + "/board", "/console/writes", "/console/audit"} {
		run(t, ctx, p+" on a tablet", chromedp.Navigate(e.hub.URL+p), chromedp.WaitVisible(chromedp.CSS("h1")))
		if over := value(t, ctx, p+" width", chromedp.Evaluate[int]("document.documentElement.scrollWidth - window.innerWidth")); over > 0 {
			t.Errorf("%s at 768 px wide: the page is %d px wider than the screen", p, over)
		}
	}
	run(t, ctx, "back to 1280×800", chromedp.EmulateViewport(1280, 800))

	// A viewer sees the board live but no write controls.
	run(t, ctx, "sign in as a viewer",
		chromedp.Click(chromedp.CSS("#sign-out")),
		chromedp.WaitVisible(chromedp.CSS("#key")),
		chromedp.SendKeys(chromedp.CSS("#key"), e.viewer+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#role")),
		chromedp.Navigate(e.hub.URL+"/console/teams/"+e.team+"/board"),
		chromedp.WaitVisible(chromedp.CSS(`#board[data-live="true"]`)))
	if err := e.em.Change(e.annUser, "available"); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "the viewer's board follows Ann", chromedp.WaitVisible(card(e.ann, "e2e-ready")),
		chromedp.Navigate(e.hub.URL+"/console/writes?state=delivered"), chromedp.WaitVisible(chromedp.CSS("#writes")))
	if n := value(t, ctx, "write controls", chromedp.Evaluate[int](`document.querySelectorAll("main form[method=post]").length`)); n != 0 {
		t.Errorf("the viewer is shown %d write forms", n)
	}
}
