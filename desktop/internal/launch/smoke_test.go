package launch

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"presencehub.dev/desktop/internal/notify"

	"presencehub.dev/shared/testwait"
)

// sessionEnv marks a private desktop session made for these tests (scripts/test: Xvfb, D-Bus and
// gnome-keyring with a throwaway HOME). Only there does the test start the real tray, and there it
// must pass: it never skips.
const sessionEnv = "PRESENCE_TRAY_TEST_SESSION"

// TestTraySmoke builds and starts the real presence-tray (fyne.io/systray; the windows are Fyne child
// processes) on a display and a session bus, finds its StatusNotifierItem on D-Bus, checks its title,
// reads the exported menu (the dbusmenu that tray hosts draw), checks the icon is a pixmap, sees the
// first run's sign-in window process connect, and quits it through the menu's Quit item, which ends
// the window too. Then, with the same binary: no display means a message and exit code 2, and
// LANG=C.UTF-8 prints no locale errors.
func TestTraySmoke(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the D-Bus tray smoke test is for Linux")
	}
	if os.Getenv(sessionEnv) == "" {
		t.Skip("needs the private Xvfb + D-Bus session scripts/test makes (it sets " + sessionEnv + "=1)")
	}
	bin := filepath.Join(t.TempDir(), "presence-tray")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/presence-tray")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building presence-tray (needs the X11 headers .ci/run installs): %v\n%s", err, out)
	}
	bus, err := dbus.SessionBus()
	if err != nil {
		t.Fatalf("no session bus: %v", err)
	}
	watcher := serveWatcher(t, bus)

	home, run := t.TempDir(), t.TempDir()
	logs := &lockedBuffer{}
	tray := exec.Command(bin, "--hub", "http://127.0.0.1:9", "--log-level", "debug")
	tray.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_RUNTIME_DIR="+run, "LANG=en_US.UTF-8")
	tray.Stdout, tray.Stderr = logs, logs
	if err := tray.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- tray.Wait() }()
	defer func() {
		_ = tray.Process.Kill()
		if t.Failed() {
			t.Logf("tray log:\n%s", logs.String())
		}
	}()

	name := waitForItem(t, bus, tray.Process.Pid, exited)
	var owner string
	if err := bus.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, name).Store(&owner); err != nil {
		t.Fatalf("owner of %s: %v", name, err)
	}
	testwait.For(t, "the tray to register with the StatusNotifierWatcher", func() bool { return watcher.registered(owner) })
	labels := menuLabels(t, bus, name)
	for _, want := range []string{"Signed out", "Open Presence Hub", "Sign in…", "Quit"} {
		if !slices.Contains(labels, want) {
			t.Fatalf("tray menu %q lacks %q", labels, want)
		}
	}
	if slices.Contains(labels, "Sign out") {
		t.Fatalf("a signed-out tray offers Sign out: %q", labels)
	}
	var title string
	if err := bus.Object(name, "/StatusNotifierItem").StoreProperty("org.kde.StatusNotifierItem.Title", &title); err != nil || title != "Presence Hub" {
		t.Fatalf("tray title %q (%v), want Presence Hub", title, err)
	}
	var pix [][]any
	if err := bus.Object(name, "/StatusNotifierItem").StoreProperty("org.kde.StatusNotifierItem.IconPixmap", &pix); err != nil || len(pix) == 0 {
		t.Fatalf("no icon pixmap (%v): the tray icon must be PNG bytes", err)
	}

	// The first run opens the sign-in window: a child process in window mode, connected to the tray.
	var win int
	testwait.Seen(t, testwait.Default, "the sign-in window process to connect", func() (bool, string) {
		win = childWith(tray.Process.Pid, "--window=signin")
		return win != 0 && strings.Contains(logs.String(), `msg="window connected" version=dev component=shell tray.window=signin`), logs.String()
	})

	// Quit from the menu: the process ends cleanly, and so does its window.
	id := itemID(t, bus, name, "Quit")
	call := bus.Object(name, "/StatusNotifierMenu").Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(int32(0)), uint32(0))
	if call.Err != nil {
		t.Fatalf("clicking Quit: %v", call.Err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("tray exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Quit did not end the tray")
	}
	testwait.For(t, "the sign-in window to end with the tray", func() bool { return ended(win) })
	if strings.Contains(logs.String(), "panic:") {
		t.Fatal("the tray panicked")
	}

	t.Run("notification over D-Bus", func(t *testing.T) {
		got := serveNotifications(t, bus)
		if err := (notify.Notifier{}).Send("Status not changed", "Lunch is not yours to pick"); err != nil {
			t.Fatal(err)
		}
		if n := got(); n != "Presence Hub|Status not changed|Lunch is not yours to pick" {
			t.Fatalf("notification %q", n)
		}
	})
	t.Run("no display", func(t *testing.T) {
		cmd := exec.Command(bin, "--hub", "http://127.0.0.1:9")
		cmd.Env = append(without(os.Environ(), "DISPLAY", "WAYLAND_DISPLAY"), "HOME="+home, "XDG_RUNTIME_DIR="+run)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "DISPLAY is not set") || strings.Contains(string(out), "panic") {
			t.Fatalf("without a display: %v\n%s", err, out)
		}
	})
	t.Run("no locale noise", func(t *testing.T) {
		for _, v := range []string{"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LANG=C"} {
			cmd := exec.Command(bin, "--version")
			cmd.Env = append(without(os.Environ(), "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"), v)
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(string(out), "locale") {
				t.Fatalf("%s: %v\n%s", v, err, out)
			}
		}
	})
}

// childWith is the pid of a child of pid whose command line holds arg, or 0.
func childWith(pid int, arg string) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		data, _ := os.ReadFile(f)
		for _, c := range strings.Fields(string(data)) {
			cmdline, _ := os.ReadFile("/proc/" + c + "/cmdline")
			if slices.Contains(strings.Split(string(cmdline), "\x00"), arg) {
				n, _ := strconv.Atoi(c)
				return n
			}
		}
	}
	return 0
}

// ended says whether process pid is gone (or a zombie nobody reaped yet).
func ended(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	_, after, _ := strings.Cut(string(data), ") ")
	return strings.HasPrefix(after, "Z")
}

func without(env []string, keys ...string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(keys, k)
	})
}

// waitForItem waits for the tray's StatusNotifierItem bus name (org.kde.StatusNotifierItem-<pid>-<n>).
func waitForItem(t *testing.T, bus *dbus.Conn, pid int, exited <-chan error) string {
	t.Helper()
	prefix := "org.kde.StatusNotifierItem-" + strconv.Itoa(pid) + "-"
	var found string
	testwait.Seen(t, testwait.Default, "the tray to export a StatusNotifierItem", func() (bool, string) {
		select {
		case err := <-exited:
			t.Fatalf("the tray exited early: %v", err)
		default:
		}
		var names []string
		if err := bus.BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if strings.HasPrefix(n, prefix) {
				found = n
				return true, ""
			}
		}
		return false, fmt.Sprint(names)
	})
	return found
}

// layout is a com.canonical.dbusmenu layout node: (id, properties, children).
type layout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

func getLayout(t *testing.T, bus *dbus.Conn, name string) layout {
	t.Helper()
	var rev uint32
	var root layout
	err := bus.Object(name, "/StatusNotifierMenu").Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root)
	if err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	return root
}

func children(l layout) []layout {
	var out []layout
	for _, v := range l.Children {
		var c layout
		if err := dbus.Store([]any{v.Value()}, &c); err == nil {
			out = append(out, c)
		}
	}
	return out
}

func label(l layout) string {
	s, _ := l.Props["label"].Value().(string)
	return s
}

func menuLabels(t *testing.T, bus *dbus.Conn, name string) []string {
	t.Helper()
	var out []string
	testwait.Seen(t, testwait.Default, "the tray menu filled in", func() (bool, string) { // right after the item appears
		out = nil
		for _, c := range children(getLayout(t, bus, name)) {
			if l := label(c); l != "" {
				out = append(out, l)
			}
		}
		return slices.Contains(out, "Signed out"), fmt.Sprint(out)
	})
	return out
}

func itemID(t *testing.T, bus *dbus.Conn, name, want string) int32 {
	t.Helper()
	for _, c := range children(getLayout(t, bus, name)) {
		if label(c) == want {
			return c.ID
		}
	}
	t.Fatalf("no %q item", want)
	return 0
}

// lockedBuffer collects the tray's output, which the process writes while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
