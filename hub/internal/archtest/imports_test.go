package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportRules checks the import rules of docs/architecture.md on every package of the workspace
// (non-test files, as `go list` sees them with cgo on, so the tray's GUI files count).
func TestImportRules(t *testing.T) {
	pkgs := workspacePackages(t)
	if len(pkgs) < 50 {
		t.Fatalf("go list found %d packages; want the whole workspace", len(pkgs))
	}
	for _, v := range Violations(pkgs) {
		t.Error(v)
	}
}

// workspacePackages lists the packages of hub, shared and desktop and everything they import.
func workspacePackages(t *testing.T) []Package {
	t.Helper()
	root := workspaceRoot(t)
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Imports,Deps",
		"presencehub.dev/hub/...", "presencehub.dev/shared/...", "presencehub.dev/desktop/...")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(root, "go.work"), "CGO_ENABLED=1")
	cmd.Stderr = &strings.Builder{}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, cmd.Stderr)
	}
	var pkgs []Package
	for dec := json.NewDecoder(strings.NewReader(string(out))); ; {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// workspaceRoot is the directory holding go.work, above this package.
func workspaceRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.work above this package: the import rules span the whole workspace")
		}
		dir = parent
	}
}
