package archtest

import (
	"strings"
	"testing"
)

// TestViolationsCatchEachBrokenRule feeds a graph that breaks every rule once, next to packages that
// keep them.
func TestViolationsCatchEachBrokenRule(t *testing.T) {
	pkgs := []Package{
		// allowed
		{ImportPath: desktop + "internal/ui", Imports: []string{"fyne.io/fyne/v2/widget"}, Deps: []string{"fyne.io/fyne/v2/widget"}},
		{ImportPath: desktop + "internal/shell", Imports: []string{"fyne.io/systray"}, Deps: []string{"fyne.io/systray"}},
		{ImportPath: desktop + "internal/window", Imports: []string{"fyne.io/fyne/v2/widget"}},
		{ImportPath: desktop + "internal/secrets", Imports: []string{keyring}},
		{ImportPath: desktop + "internal/controller", Deps: []string{shared + "streamclient", desktop + "internal/secrets", keyring}},
		{ImportPath: hub + "internal/api", Deps: []string{hub + "internal/store", hub + "internal/model"}},
		{ImportPath: hub + "internal/vendorapi/aircall", Deps: []string{hub + "internal/vendorapi"}},
		{ImportPath: "fyne.io/fyne/v2/widget", Imports: []string{keyring}}, // not ours
		// broken
		{ImportPath: desktop + "internal/controller2", Imports: []string{"fyne.io/fyne/v2"}},
		{ImportPath: desktop + "internal/ui", Imports: []string{"fyne.io/systray"}},
		{ImportPath: desktop + "cmd/presence-tray", Imports: []string{"fyne.io/fyne/v2/widget"}},
		{ImportPath: desktop + "internal/window", Imports: []string{"fyne.io/fyne/v2/app"}},
		{ImportPath: desktop + "internal/shell", Imports: []string{"fyne.io/fyne/v2/driver/desktop"}, Deps: []string{"fyne.io/fyne/v2/driver/desktop"}},
		{ImportPath: desktop + "internal/winproto", Deps: []string{"fyne.io/fyne/v2"}},
		{ImportPath: desktop + "internal/settings", Imports: []string{keyring}},
		{ImportPath: shared + "streamclient", Deps: []string{hub + "internal/model"}},
		{ImportPath: shared + "logkey", Deps: []string{desktop + "internal/model"}},
		{ImportPath: hub + "internal/app", Deps: []string{desktop + "internal/model"}},
		{ImportPath: desktop + "internal/model", Deps: []string{"fyne.io/fyne/v2"}},
		{ImportPath: hub + "internal/model", Deps: []string{hub + "internal/ids"}},
		{ImportPath: hub + "internal/store", Deps: []string{hub + "internal/api"}},
		{ImportPath: hub + "internal/api", Deps: []string{hub + "internal/server"}},
		{ImportPath: hub + "internal/vendorapi/zendesk", Deps: []string{hub + "internal/store"}},
	}
	got := Violations(pkgs)
	want := []string{
		"controller2 imports fyne.io/fyne/v2:",
		"internal/ui imports fyne.io/systray:",
		"presence-tray imports fyne.io/fyne/v2/widget:",
		"internal/window imports fyne.io/fyne/v2/app:",
		"shell imports fyne.io/fyne/v2/driver/desktop:",
		"shell depends on fyne.io/fyne/v2/driver/desktop: the tray runs without Fyne's toolkit",
		"winproto depends on fyne.io/fyne/v2: it must never import fyne",
		"settings imports github.com/zalando/go-keyring:",
		"streamclient depends on presencehub.dev/hub/internal/model: shared never",
		"logkey depends on presencehub.dev/desktop/internal/model: shared never",
		"hub/internal/app depends on presencehub.dev/desktop/internal/model: hub and desktop",
		"desktop/internal/model depends on fyne.io/fyne/v2: it must never import fyne",
		"hub/internal/model depends on presencehub.dev/hub/internal/ids: packages do not reach back",
		"store depends on presencehub.dev/hub/internal/api:",
		"api depends on presencehub.dev/hub/internal/server:",
		"vendorapi/zendesk depends on presencehub.dev/hub/internal/store:",
	}
	if len(got) != len(want) {
		t.Errorf("%d violations; want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			t.Errorf("no violation %q among:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
