package agentsync_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/testwait"
)

// interrupted starts a paced run of conn on a hub over dir, stops the hub once pages have been applied,
// and returns the run id with the pages saved.
func interrupted(t *testing.T, h *hubtest.Hub, e *env, conn string, pages int) (string, int) {
	t.Helper()
	run := e.startSync(t, conn)
	testwait.Seen(t, testwait.Default, fmt.Sprintf("%d pages applied", pages), func() (bool, string) {
		cur := e.must(t, "GET", "/connections/"+conn+"/sync-runs/"+run, nil)["sync_run"].(map[string]any)
		if cur["state"] != "running" {
			t.Fatalf("run ended before the restart: %v", cur)
		}
		return num(cur, "pages") >= pages, fmt.Sprint(cur)
	})
	h.Stop()
	st, err := store.Open(t.Context(), h.App.Config.Database.Driver, h.App.Config.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	saved, err := st.GetSyncRun(t.Context(), strings.TrimPrefix(e.base, "/v1/tenants/"), run)
	if err != nil || saved.State != "running" {
		t.Fatalf("after the stop the run is %+v (%v), want running", saved, err)
	}
	return run, int(saved.Pages)
}

// pagesRead counts the user pages an emulator served.
func pagesRead(em emulator.Emulator, path string) int {
	n := 0
	for _, c := range em.Calls() {
		if c.Path == path && c.Status == 200 {
			n++
		}
	}
	return n
}

// TestResumeAfterRestart stops the hub in the middle of a run and starts another on the same data: the
// run resumes after its last saved page, and its report counts every user once.
func TestResumeAfterRestart(t *testing.T) {
	dir := t.TempDir()
	h := hubtest.Start(t, hubtest.WithDataDir(dir))
	e := newEnv(t, h)
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	conn := e.connect(t, "aircall", em, map[string]string{"rate_limit_per_minute": "120"}) // a page every 500 ms: room to stop it midway on a busy machine
	for i := range 600 {
		em.AddUser(fmt.Sprintf("a%03d@acme.example", i), "")
		e.addAgent(t, fmt.Sprintf("a%03d@acme.example", i), nil)
	}
	run, saved := interrupted(t, h, e, conn, 3)

	h2 := hubtest.Start(t, hubtest.WithDataDir(dir))
	e.h = h2
	r := e.waitSync(t, conn, run, 30*time.Second)
	rep := r["report"].(map[string]any)
	if r["state"] != "succeeded" || num(r, "restarts") != 1 || num(r, "pages") != 12 {
		t.Fatalf("resumed run: %v", r)
	}
	if got, want := counts(rep), "users=600 matched=600 unchanged=0 linked=600 relinked=0 pinned=0 created=0 unmatched_vendor=0 unmatched_hub=0 conflicts=0 errors=0"; got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	// At most the page in flight at the stop was read twice.
	if read := pagesRead(em, "/v2/users"); read > 13 || saved < 3 {
		t.Fatalf("%d pages read for 12 (saved %d before the stop)", read, saved)
	}
	if len(e.links(t, conn)) != 600 {
		t.Fatal("not every agent linked")
	}
}

// TestRestartWhenCursorRefused resumes a Zendesk run whose saved cursor the vendor no longer accepts
// (cursors expire): the run starts over from the first page and still counts every user once.
func TestRestartWhenCursorRefused(t *testing.T) {
	dir := t.TempDir()
	h := hubtest.Start(t, hubtest.WithDataDir(dir))
	e := newEnv(t, h)
	em := zendeskemu.New(zendeskemu.Options{})
	em.SetRateLimit(0)
	conn := e.connect(t, "zendesk", em, map[string]string{"rate_limit_per_minute": "120"}) // a page every 500 ms
	for i := range 500 {
		em.AddUser(fmt.Sprintf("z%03d@acme.example", i), "")
		e.addAgent(t, fmt.Sprintf("z%03d@acme.example", i), nil)
	}
	run, _ := interrupted(t, h, e, conn, 2)
	st, err := store.Open(t.Context(), h.App.Config.Database.Driver, h.App.Config.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SQL().ExecContext(t.Context(), st.Rebind("UPDATE sync_runs SET page_cursor = 'expired' WHERE id = ?"), run); err != nil {
		t.Fatal(err)
	}
	st.Close()

	e.h = hubtest.Start(t, hubtest.WithDataDir(dir))
	r := e.waitSync(t, conn, run, 30*time.Second)
	rep := r["report"].(map[string]any)
	// Users: 500 agents + the account's admin, each counted once; those linked before the restart are
	// found linked (unchanged).
	if r["state"] != "succeeded" || num(r, "restarts") != 1 || num(r, "pages") != 6 || num(rep, "users") != 501 ||
		num(rep, "unchanged") < 100 || num(rep, "linked")+num(rep, "unchanged") != 500 || num(rep, "unmatched_vendor") != 1 {
		t.Fatalf("restarted run: %v %s", r, counts(rep))
	}
}
