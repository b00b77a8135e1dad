// Package secrets keeps the tray's device credentials in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows) through zalando/go-keyring. It is the only package
// that touches the keyring, and the token is never written anywhere else: if no keyring is available
// the tray says so instead of falling back to a file.
//
// Keyring calls can hang (a locked collection whose unlock prompt cannot appear, a stuck D-Bus), so
// each one runs with a timeout.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// Service and user name the keyring entry: one signed-in device per OS user.
const (
	Service = "dev.presencehub.tray"
	User    = "device"
)

// DefaultTimeout bounds each keyring call.
const DefaultTimeout = 5 * time.Second

var (
	// ErrNotFound: no credentials stored (never signed in, or signed out).
	ErrNotFound = errors.New("no saved sign-in")
	// ErrUnavailable: the OS keyring cannot be used. The error wrapping it says why.
	ErrUnavailable = errors.New("the system keyring is not available")
	// ErrTimeout: the keyring did not answer in time (it may be locked, waiting for a prompt).
	ErrTimeout = errors.New("the system keyring did not answer")
)

// Credentials are what a signed-in tray keeps.
type Credentials struct {
	HubURL   string `json:"hub_url"`
	Token    string `json:"device_token"`
	DeviceID string `json:"device_id,omitempty"`
	TenantID string `json:"tenant_id,omitempty"`
	AgentID  string `json:"agent_id,omitempty"`
}

// Store reads and writes the credentials.
type Store struct {
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration
}

// Load returns the saved credentials, ErrNotFound, or an error wrapping ErrUnavailable or ErrTimeout.
func (s Store) Load() (Credentials, error) {
	var c Credentials
	data, err := call(s.timeout(), func() (string, error) { return keyring.Get(Service, User) })
	if err != nil {
		return c, fmt.Errorf("reading sign-in from keyring: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &c); err != nil || c.Token == "" || c.HubURL == "" {
		return Credentials{}, fmt.Errorf("reading sign-in from keyring: %w (the entry is damaged)", ErrNotFound)
	}
	return c, nil
}

// Save stores the credentials, replacing any.
func (s Store) Save(c Credentials) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding sign-in: %w", err)
	}
	if _, err := call(s.timeout(), func() (string, error) { return "", keyring.Set(Service, User, string(data)) }); err != nil {
		return fmt.Errorf("saving sign-in to keyring: %w", err)
	}
	return nil
}

// Delete removes the credentials; deleting what is not there is not an error.
func (s Store) Delete() error {
	_, err := call(s.timeout(), func() (string, error) { return "", keyring.Delete(Service, User) })
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("deleting sign-in from keyring: %w", err)
	}
	return nil
}

func (s Store) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

// call runs f with a timeout and maps go-keyring's errors onto ours. A call that times out keeps
// running in the background (go-keyring cannot be cancelled); its result is dropped.
func call(timeout time.Duration, f func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.v, mapErr(r.err)
	case <-t.C:
		return "", fmt.Errorf("%w within %s: %w", ErrTimeout, timeout, ErrUnavailable)
	}
}

func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	default:
		return &UnavailableError{Err: err}
	}
}

// UnavailableError explains why the keyring cannot be used. It matches ErrUnavailable.
type UnavailableError struct{ Err error }

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%s (%v); %s", ErrUnavailable, e.Err, hint)
}

func (e *UnavailableError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }
