package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEShowsThePrerequisites checks that README.md's install line per OS family is the one
// scripts/prerequisites (which scripts/test prints and .ci/run installs) holds.
func TestREADMEShowsThePrerequisites(t *testing.T) {
	root := workspaceRoot(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	cmd := exec.Command("bash", "-c", "source scripts/prerequisites && prerequisite_lines")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/prerequisites: %v", err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("prerequisite_lines printed %d lines; want Debian/Ubuntu, Fedora, macOS:\n%s", len(lines), out)
	}
	for _, l := range lines {
		_, install, _ := strings.Cut(l, ":")
		install, _, _ = strings.Cut(strings.TrimSpace(install), "   (")
		if !strings.Contains(string(readme), "\n"+install+"  #") {
			t.Errorf("README.md lacks the install line %q", install)
		}
	}
}
