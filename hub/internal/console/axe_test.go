package console_test

import (
	"context"
	_ "embed"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored (see testdata/axe/README.md) so the check runs offline.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeViolation is one failed axe rule.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
	Target string `json:"target"`
}

// accessible runs axe-core's WCAG 2.1 A and AA rules (contrast included) on the page as it is and
// fails the test on any serious or critical violation. DevTools' evaluation is not bound by the
// page's Content-Security-Policy, so the console needs no exception for it.
func accessible(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if !value(t, ctx, "axe loaded", chromedp.Evaluate[bool](`typeof axe === "object"`)) {
		run(t, ctx, "load axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	const js = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact || "",
			help: v.help, nodes: v.nodes.length, target: v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}))}))`
	res := value(t, ctx, page+": axe", chromedp.Evaluate[struct {
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}](js, chromedp.EvalAwaitPromise))
	if res.Passes == 0 {
		t.Fatalf("%s: axe-core checked nothing", page)
	}
	t.Logf("%s: axe-core: %d rules pass, %d fail", page, res.Passes, len(res.Violations))
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: accessibility (%s) %s: %s on %d elements: %s", page, v.Impact, v.ID, v.Help, v.Nodes, v.Target)
		} else {
			t.Logf("%s: accessibility (%s) %s: %s", page, v.Impact, v.ID, v.Help)
		}
	}
}
