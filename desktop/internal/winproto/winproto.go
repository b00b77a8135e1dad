// Package winproto is what the tray and its windows say to each other. The tray runs without Fyne
// (no GL context, no 60 Hz driver loop); a window is the same binary started in window mode as a
// child process, which connects to the tray's single-instance socket (package instance), receives
// the state to show, sends the agent's choices back, and exits when its window closes.
//
// Messages are JSON objects, one a line, in both directions.
package winproto

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"presencehub.dev/desktop/internal/model"
)

// Window kinds: what a child process shows.
const (
	// KindStatus is the status window (the picker, connected systems, recent changes, settings).
	KindStatus = "status"
	// KindSignIn is the sign-in form.
	KindSignIn = "signin"
)

// ValidKind says whether k is a window kind.
func ValidKind(k string) bool { return k == KindStatus || k == KindSignIn }

// Settings are the resolved settings a window shows.
type Settings struct {
	HubURL             string `json:"hub_url"`
	HubURLLocked       bool   `json:"hub_url_locked,omitempty"`
	StartAtLogin       bool   `json:"start_at_login"`
	StartAtLoginLocked bool   `json:"start_at_login_locked,omitempty"`
}

// ToWindow is a message from the tray to a window. Each field set is one instruction.
type ToWindow struct {
	// Settings come first, before any state.
	Settings *Settings `json:"settings,omitempty"`
	// State is the tray's state, sent at once and after every change.
	State *model.State `json:"state,omitempty"`
	// Result answers the window's request with the same ID (a sign-in): Err is "" on success, else
	// the words to show.
	Result *Result `json:"result,omitempty"`
	// Raise brings the window to the front (the agent asked for it again).
	Raise bool `json:"raise,omitempty"`
	// AskSignOut: the status window asks the agent to confirm signing out (the menu's Sign out).
	AskSignOut bool `json:"ask_sign_out,omitempty"`
	// Close ends the window (the sign-in succeeded, or the tray quits).
	Close bool `json:"close,omitempty"`
}

// Result is the answer to a request.
type Result struct {
	ID  int    `json:"id"`
	Err string `json:"err,omitempty"`
}

// Ops a window asks the tray for.
const (
	OpSetStatus    = "set_status"     // Status
	OpSignIn       = "sign_in"        // ID, HubURL, Code; answered by a Result
	OpSignOut      = "sign_out"       //
	OpStartAtLogin = "start_at_login" // On
	OpOpenSignIn   = "open_sign_in"   // the status window's "Sign in…"
)

// FromWindow is a request from a window to the tray.
type FromWindow struct {
	Op     string `json:"op"`
	ID     int    `json:"id,omitempty"`
	Status string `json:"status,omitempty"`
	HubURL string `json:"hub_url,omitempty"`
	Code   string `json:"code,omitempty"`
	On     bool   `json:"on,omitempty"`
}

// Conn sends and receives messages on a stream (the socket). Send is safe for concurrent use;
// Receive is for one reader.
type Conn struct {
	mu  sync.Mutex
	enc *json.Encoder
	dec *json.Decoder
	c   io.ReadWriteCloser
}

// NewConn wraps a connection. r, when not nil, reads instead of c (a reader that already buffered
// the connection's first line).
func NewConn(c io.ReadWriteCloser, r *bufio.Reader) *Conn {
	var in io.Reader = c
	if r != nil {
		in = r
	}
	return &Conn{enc: json.NewEncoder(c), dec: json.NewDecoder(in), c: c}
}

// Send writes one message (a ToWindow or a FromWindow).
func (c *Conn) Send(m any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.enc.Encode(m); err != nil {
		return fmt.Errorf("sending to the %s: %w", peer(m), err)
	}
	return nil
}

// Receive reads the next message into m; io.EOF when the other side closed.
func (c *Conn) Receive(m any) error {
	return c.dec.Decode(m)
}

// Close closes the connection; a blocked Receive returns.
func (c *Conn) Close() error { return c.c.Close() }

func peer(m any) string {
	if _, ok := m.(FromWindow); ok {
		return "tray"
	}
	return "window"
}
