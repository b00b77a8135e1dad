// Package instance keeps the tray to one instance per user: the first one holds a lock file and
// listens on a local socket; a second one finds the lock taken, asks the first (over the socket) to
// show its window, and exits. The tray's windows, child processes in window mode, connect to the same
// socket (Dial) and keep their connection open while they show (package winproto).
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

const (
	showCommand   = "show"
	windowCommand = "window" // "window <kind>", then the connection belongs to the window
)

// Handlers are what the running instance does for the socket's clients. Each runs on its own
// goroutine.
type Handlers struct {
	// Show: a later instance asks this one to come forward.
	Show func()
	// Window: a window process connected; conn is its connection (r holds what was read past the
	// first line), and the handler owns it.
	Window func(kind string, conn net.Conn, r *bufio.Reader)
}

// Instance is the lock of the running instance.
type Instance struct {
	lock *os.File
	ln   net.Listener
	wg   sync.WaitGroup
}

// Acquire takes the lock in dir (created if needed) and serves the socket with h.
func Acquire(dir string, h Handlers) (*Instance, error) {
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
	in.wg.Go(func() { in.serve(h) })
	return in, nil
}

func (in *Instance) serve(h Handlers) {
	for {
		c, err := in.ln.Accept()
		if err != nil {
			return
		}
		go handle(c, h)
	}
}

// handle reads a client's first line: "show" is answered and closed; "window <kind>" hands the
// connection to the Window handler.
func handle(c net.Conn, h Handlers) {
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	r := bufio.NewReader(c)
	line, _ := r.ReadString('\n')
	cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	if cmd == windowCommand && h.Window != nil {
		_ = c.SetDeadline(time.Time{})
		h.Window(arg, c, r)
		return
	}
	if cmd == showCommand && h.Show != nil {
		go h.Show()
	}
	_, _ = c.Write([]byte("ok\n"))
	c.Close()
}

// Dial connects a window of kind to the running instance in dir.
func Dial(dir, kind string) (net.Conn, error) {
	sock := filepath.Join(dir, "tray.sock")
	c, err := net.DialTimeout("unix", sock, 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("connecting to the tray at %s: %w", sock, err)
	}
	if _, err := c.Write([]byte(windowCommand + " " + kind + "\n")); err != nil {
		c.Close()
		return nil, fmt.Errorf("connecting to the tray at %s: %w", sock, err)
	}
	return c, nil
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
