package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"presencehub.dev/hub/internal/emulator/aircallemu"
)

// chromium finds the browser the end-to-end tests drive (Debian's package "chromium").
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH: CI must run the console's browser test (scripts/prerequisites lists chromium)")
	}
	t.Skip("SKIPPED: no chromium on PATH (Debian: apt-get install chromium); the console's browser test needs it")
	return ""
}

// newChrome starts a headless Chromium at 1280×800 for the test.
func newChrome(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 800), chromedp.Flag("disable-gpu", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second) // a bound on a stuck browser, not a wait
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

// run runs browser steps, failing the test with what was being done.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		fail(t, ctx, what, err)
	}
}

// value runs one browser action that returns something.
func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		fail(t, ctx, what, err)
	}
	return v
}

// fail ends the test, showing the page as it is.
func fail(t *testing.T, ctx context.Context, what string, err error) {
	t.Helper()
	body, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
	t.Fatalf("%s: %v\npage:\n%s", what, err, body)
}

func TestConsoleInChromium(t *testing.T) {
	f := newFixture(t)
	ctx := newChrome(t)
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	t.Cleanup(em.Close)
	vendor := httptest.NewServer(em)
	t.Cleanup(vendor.Close)
	base := "/v1/tenants/" + f.tenant
	for _, st := range []map[string]any{{"name": "e2e-ready", "display_name": "Ready", "kind": "available"},
		{"name": "e2e-away", "display_name": "Away", "kind": "away"}} {
		f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/statuses", st)
	}

	run(t, ctx, "sign in",
		chromedp.Navigate(f.hub.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#key")))
	accessible(t, ctx, "sign-in")
	run(t, ctx, "sign in with the keyboard",
		chromedp.SendKeys(chromedp.CSS("#key"), f.admin+kb.Enter), // the keyboard alone signs in
		chromedp.WaitVisible(chromedp.CSS("#role")))
	role := value(t, ctx, "role", chromedp.Text(chromedp.CSS("#role")))
	if role != "admin" {
		t.Fatalf("role shown %q, want admin", role)
	}

	// htmx boosts links and forms (no full page load), as the Content-Security-Policy lets it.
	value(t, ctx, "mark the page", chromedp.Evaluate[bool](`window.consoleTestMark = true`))
	creds := em.Credentials()
	run(t, ctx, "create an Aircall connection to the emulator",
		chromedp.Click(chromedp.CSS(`a[href="/console/connections"]`)),
		chromedp.WaitVisible(chromedp.CSS("#vendor-pick")),
		chromedp.SetValue(chromedp.CSS("#vendor-pick"), "aircall"),
		chromedp.Click(chromedp.CSS("#choose-vendor")),
		chromedp.WaitVisible(chromedp.CSS("#create-connection")),
		shot("connection-form"))
	unlabelled(t, ctx, "connection form")
	accessible(t, ctx, "connection form")
	run(t, ctx, "fill in the connection form",
		chromedp.SendKeys(chromedp.CSS("#c-name"), "calls"),
		chromedp.SendKeys(chromedp.CSS("#c-url"), vendor.URL),
		chromedp.SendKeys(chromedp.CSS("#cred-api_id"), creds["api_id"]),
		chromedp.SendKeys(chromedp.CSS("#cred-api_token"), creds["api_token"]),
		chromedp.SendKeys(chromedp.CSS("#cred-webhook_token"), creds["webhook_token"]),
		chromedp.Click(chromedp.CSS("#create")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")))
	if !value(t, ctx, "the page survived", chromedp.Evaluate[bool](`window.consoleTestMark === true`)) {
		t.Error("following links and posting forms reloaded the page: htmx is not boosting them")
	}
	if notice := value(t, ctx, "notice", chromedp.Text(chromedp.CSS("p.notice"))); !strings.Contains(notice, "calls created") {
		t.Fatalf("notice %q", notice)
	}
	if html := value(t, ctx, "page", chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, creds["api_token"]) {
		t.Fatal("the page shows the credential just sent")
	}

	run(t, ctx, "save a rule with an invalid row",
		chromedp.Click(chromedp.CSS(`a[href^="/console/rules/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#rule-form")),
		chromedp.SendKeys(chromedp.CSS("#r-name"), "calls-map"),
		chromedp.SetValue(chromedp.CSS("#row-0-status"), "e2e-ready"),
		chromedp.SetValue(chromedp.CSS("#row-0-dir"), "both"),
		chromedp.SendKeys(chromedp.CSS("#row-0-state"), "available"),
		chromedp.SetValue(chromedp.CSS("#row-1-status"), "e2e-away"),
		chromedp.SetValue(chromedp.CSS("#row-1-dir"), "outbound"),
		chromedp.SendKeys(chromedp.CSS("#row-1-state"), "offline"), // Aircall does not let an API set it
		chromedp.Click(chromedp.CSS("#save-rule")),
		chromedp.WaitVisible(chromedp.CSS("#row-1-err")))
	run(t, ctx, "screenshot", shot("rule-error"))
	unlabelled(t, ctx, "rule editor")
	accessible(t, ctx, "rule editor with an error")
	rowErr := value(t, ctx, "row 1's error", chromedp.Text(chromedp.CSS("#row-1-err")))
	if !strings.Contains(rowErr, "offline") || !strings.Contains(rowErr, "outbound") {
		t.Fatalf("row 1's inline error: %q", rowErr)
	}
	if others := value(t, ctx, "other rows' errors", chromedp.Evaluate[int](`document.querySelectorAll("#row-0-err, #row-2-err").length`)); others != 0 {
		t.Fatalf("%d other rows marked", others)
	}

	run(t, ctx, "fix the row and save",
		chromedp.SetValue(chromedp.CSS("#row-1-state"), "unavailable"),
		chromedp.Click(chromedp.CSS("#save-rule")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")))
	if notice := value(t, ctx, "notice", chromedp.Text(chromedp.CSS("p.notice"))); notice != "Rule saved." {
		t.Fatalf("notice %q", notice)
	}
	if !value(t, ctx, "the page survived", chromedp.Evaluate[bool](`window.consoleTestMark === true`)) {
		t.Error("the refused and the accepted save reloaded the page: htmx did not swap them")
	}
	rules := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/rules", nil)["rules"].([]any)
	if len(rules) != 1 {
		t.Fatalf("%d rules, want 1", len(rules))
	}
	r := rules[0].(map[string]any)
	if len(r["inbound"].([]any)) != 1 || len(r["outbound"].([]any)) != 2 {
		t.Fatalf("saved rule: inbound %v outbound %v", r["inbound"], r["outbound"])
	}

	run(t, ctx, "the overview lists the connection",
		chromedp.Click(chromedp.CSS(`a[href="/console/overview"]`)),
		chromedp.WaitVisible(chromedp.CSS("#agents-h")),
		shot("overview"))
	if conns := value(t, ctx, "overview", chromedp.Text(chromedp.CSS("section[aria-labelledby=conn-h] tbody"))); !strings.Contains(conns, "calls") {
		t.Fatalf("overview's connections: %q", conns)
	}

	run(t, ctx, "the API reference renders offline from embedded assets",
		chromedp.Navigate(f.hub.URL+"/docs"),
		chromedp.WaitVisible(chromedp.CSS(".api-content")),
		shot("docs"))
}

// unlabelled fails the test if a visible form control of the page has no label (screen readers would
// announce it as nothing).
func unlabelled(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	const js = `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
		.filter(e => e.labels.length === 0 && !e.getAttribute("aria-label")).map(e => e.id || e.name)`
	if missing := value(t, ctx, page+": controls without a label", chromedp.Evaluate[[]string](js)); len(missing) > 0 {
		t.Errorf("%s: controls without a label: %v", page, missing)
	}
}

// shot saves a PNG of the viewport (1280×800) as docs/console-<name>.png when
// PRESENCE_CONSOLE_SCREENSHOTS names the directory, and does nothing otherwise.
func shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		dir := os.Getenv("PRESENCE_CONSOLE_SCREENSHOTS")
		if dir == "" {
			return nil
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "console-"+name+".png"), png, 0o644)
	})
}
