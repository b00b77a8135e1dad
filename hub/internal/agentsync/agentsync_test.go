package agentsync_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/emulator/emulators"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// TestEveryVendorsPagination links 120 agents on a connection to each built-in emulator at once (one run
// per connection, concurrently): page numbers (Aircall, Talkdesk), cursors (Zendesk), offsets with Link
// headers (ServiceNow), skip/top (CXone) and SOQL next records (Salesforce). Emails differ in case and
// spaces from the agents'.
func TestEveryVendorsPagination(t *testing.T) {
	h := hubtest.Start(t)
	e := newEnv(t, h)
	const n = 120
	conns, want := map[string]string{}, map[string]map[string]string{}
	for _, v := range emulators.Vendors() {
		em, err := emulators.New(v, nil)
		if err != nil {
			t.Fatal(err)
		}
		em.SetRateLimit(0)
		want[v] = map[string]string{}
		for i := range n {
			email := fmt.Sprintf("agent%03d@acme.example", i)
			vendorEmail := email
			if i%2 == 1 {
				vendorEmail = " " + strings.ToUpper(email) + " "
			}
			want[v][email] = em.AddUser(vendorEmail, fmt.Sprintf("Agent %d", i))
		}
		conns[v] = e.connect(t, v, em, nil)
	}
	for i := range n {
		e.addAgent(t, fmt.Sprintf("agent%03d@acme.example", i), nil)
	}
	runs := map[string]string{}
	for v, c := range conns {
		runs[v] = e.startSync(t, c)
	}
	for v, c := range conns {
		r := e.waitSync(t, c, runs[v], 60*time.Second)
		rep := r["report"].(map[string]any)
		if r["state"] != "succeeded" || num(rep, "linked") != n || num(rep, "unmatched_hub") != 0 || num(rep, "errors") != 0 {
			t.Errorf("%s: %v %v: %s", v, r["state"], r["error"], counts(rep))
			continue
		}
		got := e.links(t, c)
		for email, ext := range want[v] {
			if got[email] != ext {
				t.Errorf("%s: %s linked to %q, want %q", v, email, got[email], ext)
			}
		}
		t.Logf("%s: %s in %v pages", v, counts(rep), r["pages"])
	}
}

// TestReportCountsAndPinnedLinks runs agent sync twice over a fixture with every kind of outcome across
// two Aircall pages, and checks the exact counts, the links, and that pinned links survive the re-sync.
func TestReportCountsAndPinnedLinks(t *testing.T) {
	h := hubtest.Start(t)
	e := newEnv(t, h)
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	conn := e.connect(t, "aircall", em, nil)
	u := func(email string) string { return em.AddUser(email, "") }
	ann := u("ann@acme.example")
	bob := u(" BOB@Acme.example ")
	carol := u("carol@acme.example")
	dave := u("dave@acme.example")
	u("erin@acme.example")
	u("ann@acme.example") // the same email twice
	u("frank@acme.example")
	gina := u("gina@acme.example")
	ivan := u("ivan@acme.example")
	u("")
	for i := range 50 {
		u(fmt.Sprintf("filler%02d@acme.example", i))
	}
	e.addAgent(t, "ann@acme.example", nil)
	e.addAgent(t, "bob@acme.example", nil)
	e.addAgent(t, "carol@acme.example", map[string]string{conn: carol}) // already right
	e.addAgent(t, "dave@acme.example", map[string]string{conn: "1"})    // its id moved
	e.addAgent(t, "erin@acme.example", map[string]string{conn: "!2"})   // pinned by an admin
	e.addAgent(t, "gina@acme.example", nil)
	e.addAgent(t, "hal@acme.example", map[string]string{conn: "!" + gina}) // gina's id pinned to hal
	e.addAgent(t, "ivan@acme.example", nil)
	e.addAgent(t, "judy@acme.example", map[string]string{conn: ivan}) // ivan's id, unpinned: it moves to ivan
	e.addAgent(t, "kate@acme.example", nil)                           // no vendor user
	for i := range 50 {
		e.addAgent(t, fmt.Sprintf("filler%02d@acme.example", i), nil)
	}

	rep := e.syncNow(t, conn)
	want := "users=60 matched=56 unchanged=1 linked=53 relinked=1 pinned=1 created=0 unmatched_vendor=2 unmatched_hub=2 conflicts=4 errors=0"
	if got := counts(rep); got != want {
		t.Fatalf("first run:\n got %s\nwant %s", got, want)
	}
	kinds := map[string]int{}
	for _, c := range rep["conflict_details"].([]any) {
		kinds[c.(map[string]any)["kind"].(string)]++
	}
	if kinds["duplicate_email"] != 1 || kinds["id_moved"] != 2 || kinds["id_pinned"] != 1 {
		t.Fatalf("conflict kinds %v", kinds)
	}
	wantLinks := map[string]string{"ann@acme.example": ann, "bob@acme.example": bob, "carol@acme.example": carol, "dave@acme.example": dave,
		"erin@acme.example": "!2", "hal@acme.example": "!" + gina, "ivan@acme.example": ivan}
	check := func(when string) {
		t.Helper()
		got := e.links(t, conn)
		for email, ext := range wantLinks {
			if got[email] != ext {
				t.Errorf("%s: %s linked to %q, want %q", when, email, got[email], ext)
			}
		}
		for _, email := range []string{"gina@acme.example", "judy@acme.example", "kate@acme.example"} {
			if got[email] != "" {
				t.Errorf("%s: %s linked to %q, want no link", when, email, got[email])
			}
		}
		if len(got) != len(wantLinks)+50 {
			t.Errorf("%s: %d links, want %d", when, len(got), len(wantLinks)+50)
		}
	}
	check("after the first run")

	rep = e.syncNow(t, conn)
	want = "users=60 matched=56 unchanged=55 linked=0 relinked=0 pinned=1 created=0 unmatched_vendor=2 unmatched_hub=2 conflicts=2 errors=0"
	if got := counts(rep); got != want {
		t.Fatalf("re-sync:\n got %s\nwant %s", got, want)
	}
	check("after the re-sync")
}

// TestCreateMissingAgents creates an agent for each vendor user no agent matches, when the connection
// asks for it; users without a usable email stay unmatched.
func TestCreateMissingAgents(t *testing.T) {
	h := hubtest.Start(t)
	e := newEnv(t, h)
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	conn := e.connect(t, "aircall", em, map[string]string{"agent_sync_create_missing": "true"})
	newbie := em.AddUser("New.Person@acme.example", "New Person")
	em.AddUser("not an email", "")
	rep := e.syncNow(t, conn)
	if got, want := counts(rep), "users=2 matched=0 unchanged=0 linked=0 relinked=0 pinned=0 created=1 unmatched_vendor=1 unmatched_hub=0 conflicts=0 errors=0"; got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	agents := e.must(t, "GET", "/agents", nil)["agents"].([]any)
	a := agents[0].(map[string]any)
	if len(agents) != 1 || a["email"] != "New.Person@acme.example" || a["display_name"] != "New Person" || e.links(t, conn)[a["email"].(string)] != newbie {
		t.Fatalf("created agents: %v", agents)
	}
}

// TestOneRunAtATime shows a run's progress while it lasts and refuses a second run of the connection.
func TestOneRunAtATime(t *testing.T) {
	h := hubtest.Start(t)
	e := newEnv(t, h)
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	conn := e.connect(t, "aircall", em, map[string]string{"rate_limit_per_minute": "240"}) // a page every 250 ms
	for i := range 300 {
		em.AddUser(fmt.Sprintf("a%03d@acme.example", i), "")
	}
	run := e.startSync(t, conn)
	r := h.Do(t, h.AdminKey, "POST", e.base+"/connections/"+conn+"/sync-runs", map[string]any{})
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "already running") {
		t.Fatalf("second run: %d %s", r.Status, r.Body)
	}
	testwait.Seen(t, testwait.Default, "2 pages while running", func() (bool, string) {
		cur := e.must(t, "GET", "/connections/"+conn+"/sync-runs/"+run, nil)["sync_run"].(map[string]any)
		if cur["state"] != "running" {
			t.Fatalf("no progress seen while running: %v", cur)
		}
		if fmt.Sprint(cur["pages"]) != "2" {
			return false, fmt.Sprint(cur)
		}
		if users := fmt.Sprint(cur["report"].(map[string]any)["users"]); users != "100" {
			t.Fatalf("after 2 pages: %s users", users)
		}
		return true, ""
	})
	final := e.waitSync(t, conn, run, 30*time.Second)
	if final["state"] != "succeeded" || fmt.Sprint(final["pages"]) != "6" {
		t.Fatalf("final: %v", final)
	}
	list := e.must(t, "GET", "/connections/"+conn+"/sync-runs", nil)["sync_runs"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["trigger"] != "manual" {
		t.Fatalf("runs: %v", list)
	}
	e.startSync(t, conn) // the connection is free again
}

// TestSettingsValidated refuses agent sync settings the hub cannot read, naming the setting.
func TestSettingsValidated(t *testing.T) {
	h := hubtest.Start(t)
	e := newEnv(t, h)
	r := h.Do(t, h.AdminKey, "POST", e.base+"/connections", map[string]any{"name": "x", "vendor": "aircall", "base_url": "http://127.0.0.1:9",
		"settings": map[string]string{"agent_sync_interval": "1m", "agent_sync_create_missing": "yes"}})
	body := string(r.Body)
	if r.Status != http.StatusBadRequest || !strings.Contains(body, "settings.agent_sync_interval") || !strings.Contains(body, "settings.agent_sync_create_missing") {
		t.Fatalf("%d %s", r.Status, body)
	}
	e.must(t, "POST", "/connections", map[string]any{"name": "x", "vendor": "aircall", "base_url": "http://127.0.0.1:9",
		"settings": map[string]string{"agent_sync_interval": "6h", "agent_sync_create_missing": "false"}})
}
