package launch

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// spawner starts window processes: this same program with --window=<kind>, its output going where
// the tray's goes.
type spawner struct {
	exe      string
	logLevel string
	out      io.Writer
}

func newSpawner(logLevel string, out io.Writer) (*spawner, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to start its windows: %w", err)
	}
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	return &spawner{exe: exe, logLevel: logLevel, out: out}, nil
}

// proc is a started window process.
type proc struct{ cmd *exec.Cmd }

func (p proc) Wait() error { return p.cmd.Wait() }
func (p proc) Kill() error { return p.cmd.Process.Kill() }

// spawn starts a window of kind.
func (s *spawner) spawn(kind string) (proc, error) {
	cmd := exec.Command(s.exe, "--window="+kind, "--log-level="+s.logLevel)
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		return proc{}, fmt.Errorf("starting the %s window: %w", kind, err)
	}
	return proc{cmd}, nil
}
