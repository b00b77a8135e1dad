// Package instance keeps the tray to one instance per user: the first one holds a lock file and
// listens on a local socket; a second one finds the lock taken, asks the first (over the socket) to
// show its window, and exits.
package instance

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrRunning: another instance holds the lock; it was asked to show its window.
var ErrRunning = errors.New("presence-tray is already running")

const showCommand = "show"

// Instance is the lock of the running instance.
type Instance struct {
	lock *os.File
	ln   net.Listener
	wg   sync.WaitGroup
}

// Acquire takes the lock in dir (created if needed). onShow runs, on its own goroutine, whenever a
// later instance asks this one to come forward.
func Acquire(dir string, onShow func()) (*Instance, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	sock := filepath.Join(dir, "tray.sock")
	f, err := os.OpenFile(filepath.Join(dir, "tray.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			if err := askToShow(sock); err != nil {
				return nil, fmt.Errorf("%w (and it did not answer: %w)", ErrRunning, err)
			}
			return nil, ErrRunning
		}
		return nil, fmt.Errorf("locking %s: %w", f.Name(), err)
	}
	_ = os.Remove(sock) // left by an instance that died: we hold the lock, so nobody listens
	ln, err := net.Listen("unix", sock)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("listening on %s: %w", sock, err)
	}
	in := &Instance{lock: f, ln: ln}
	in.wg.Go(func() { in.serve(onShow) })
	return in, nil
}

func (in *Instance) serve(onShow func()) {
	for {
		c, err := in.ln.Accept()
		if err != nil {
			return
		}
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(c).ReadString('\n')
		if strings.TrimSpace(line) == showCommand && onShow != nil {
			go onShow()
		}
		_, _ = c.Write([]byte("ok\n"))
		c.Close()
	}
}

// Close releases the lock and stops listening.
func (in *Instance) Close() error {
	err := in.ln.Close()
	in.wg.Wait()
	return errors.Join(err, in.lock.Close())
}

func askToShow(sock string) error {
	c, err := net.DialTimeout("unix", sock, 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(showCommand + "\n")); err != nil {
		return err
	}
	_, err = bufio.NewReader(c).ReadString('\n')
	return err
}

// DefaultDir is where the lock and socket live: $XDG_RUNTIME_DIR/presence-hub on Linux, else the
// user cache directory.
func DefaultDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "presence-hub")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "presence-hub")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("presence-hub-%d", os.Getuid()))
}
