package archtest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Package is what the rules read of one package (`go list -json`, non-test files).
type Package struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
}

const (
	hub     = "presencehub.dev/hub/"
	shared  = "presencehub.dev/shared/"
	desktop = "presencehub.dev/desktop/"
	fyne    = "fyne.io/"
	keyring = "github.com/zalando/go-keyring"
)

// under reports whether path is prefix itself or below it ("a/b" is under "a/b" and "a/b/").
func under(path, prefix string) bool {
	return path == strings.TrimSuffix(prefix, "/") || strings.HasPrefix(path, strings.TrimSuffix(prefix, "/")+"/")
}

func underAny(path string, prefixes ...string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return under(path, p) })
}

// fyneDirect says which of the project's packages may import which fyne packages directly: the tray
// (shell) only fyne.io/systray, with no GUI toolkit; the windows (ui, and window, the window mode's
// process) the toolkit, but not its tray API nor the GL driver (fyne.io/fyne/v2/app, which only the
// thin main imports, so the windows' code is tested headless and launch's race build stays GL-free).
func fyneDirect(pkg, imp string) bool {
	switch pkg {
	case desktop + "internal/shell":
		return imp == "fyne.io/systray"
	case desktop + "internal/window", desktop + "internal/ui":
		return !underAny(imp, "fyne.io/systray", "fyne.io/fyne/v2/driver/desktop", "fyne.io/fyne/v2/app")
	case desktop + "cmd/presence-tray":
		return imp == "fyne.io/fyne/v2/app" // the window mode's app, handed to package window
	}
	return false
}

// neverFyne are the packages architecture.md says never import fyne, even indirectly.
var neverFyne = []string{shared, hub, desktop + "internal/controller", desktop + "internal/secrets",
	desktop + "internal/hubapi", desktop + "internal/model", desktop + "internal/winproto", desktop + "internal/instance",
	desktop + "internal/notify", desktop + "internal/display", desktop + "internal/localeenv", desktop + "internal/trim"}

// neverToolkit are the packages of the always-on tray that never reach Fyne's GUI toolkit (GLFW,
// OpenGL, the 60 Hz driver loop), even indirectly: only systray.
var neverToolkit = []string{desktop + "internal/shell", desktop + "internal/launch"}

// upstream maps a hub package to the packages above it in the data flow, which it must not import
// even indirectly ("store knows nothing of api, api nothing of server").
var upstream = map[string][]string{
	hub + "internal/model": {hub}, // plain domain types: no other hub package
	hub + "internal/store": {hub + "internal/api", hub + "internal/server", hub + "internal/app", hub + "internal/cli",
		hub + "internal/presence", hub + "internal/stream", hub + "internal/vendorsync", hub + "internal/agentsync"},
	hub + "internal/api": {hub + "internal/server", hub + "internal/app", hub + "internal/cli"},
	// adapters speak to their vendor only: no persistence, engine or sync of the hub
	hub + "internal/vendorapi": {hub + "internal/store", hub + "internal/presence", hub + "internal/bus",
		hub + "internal/vendorsync", hub + "internal/api", hub + "internal/app"},
}

// Violations lists every broken rule, one line each, sorted.
func Violations(pkgs []Package) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, p := range pkgs {
		if !underAny(p.ImportPath, hub, shared, desktop) {
			continue
		}
		for _, imp := range p.Imports {
			if under(imp, fyne) && !fyneDirect(p.ImportPath, imp) {
				bad("%s imports %s: fyne belongs in desktop's shell (systray only), window and ui", p.ImportPath, imp)
			}
			if under(imp, keyring) && p.ImportPath != desktop+"internal/secrets" {
				bad("%s imports %s: only desktop/internal/secrets wraps the keyring", p.ImportPath, imp)
			}
		}
		fyneSeen, toolkitSeen := false, false
		for _, dep := range p.Deps {
			switch {
			case under(p.ImportPath, shared) && underAny(dep, hub, desktop):
				bad("%s depends on %s: shared never imports hub or desktop", p.ImportPath, dep)
			case under(p.ImportPath, hub) && under(dep, desktop), under(p.ImportPath, desktop) && under(dep, hub):
				bad("%s depends on %s: hub and desktop are separate modules that meet only in shared", p.ImportPath, dep)
			case under(dep, fyne) && underAny(p.ImportPath, neverFyne...) && !fyneSeen:
				fyneSeen = true // one line, not one per fyne package
				bad("%s depends on %s: it must never import fyne", p.ImportPath, dep)
			case under(dep, "fyne.io/fyne") && underAny(p.ImportPath, neverToolkit...) && !toolkitSeen:
				toolkitSeen = true
				bad("%s depends on %s: the tray runs without Fyne's toolkit", p.ImportPath, dep)
			}
			for pkg, above := range upstream {
				if under(p.ImportPath, pkg) && underAny(dep, above...) && !under(dep, pkg) {
					bad("%s depends on %s: packages do not reach back up the data flow", p.ImportPath, dep)
				}
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}
