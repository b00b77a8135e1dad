package launch

import (
	"context"
	"errors"
	"strings"
	"testing"

	"presencehub.dev/desktop/internal/secrets"
)

type memStore struct {
	creds   *secrets.Credentials
	loadErr error
}

func (m *memStore) Load() (secrets.Credentials, error) {
	if m.loadErr != nil {
		return secrets.Credentials{}, m.loadErr
	}
	if m.creds == nil {
		return secrets.Credentials{}, secrets.ErrNotFound
	}
	return *m.creds, nil
}

func (m *memStore) Delete() error { m.creds = nil; return nil }

type hubFunc func(hubURL, token string) error

func (f hubFunc) SignOut(_ context.Context, hubURL, token string) error { return f(hubURL, token) }

func TestSignOutFlag(t *testing.T) {
	signedIn := func() *memStore {
		return &memStore{creds: &secrets.Credentials{HubURL: "https://hub.example.com", Token: "phd_x", DeviceID: "dev_1"}}
	}
	var revoked []string
	ok := hubFunc(func(hubURL, token string) error { revoked = append(revoked, hubURL+" "+token); return nil })
	down := hubFunc(func(string, string) error { return errors.New("connection refused") })

	var out strings.Builder
	st := signedIn()
	if code := SignOut(&out, st, ok); code != 0 || st.creds != nil || len(revoked) != 1 || revoked[0] != "https://hub.example.com phd_x" {
		t.Fatalf("signed in: exit %d, creds %+v, revoked %q: %s", code, st.creds, revoked, out.String())
	}
	if !strings.Contains(out.String(), "device dev_1 revoked") {
		t.Errorf("output %q", out.String())
	}

	out.Reset()
	st = signedIn()
	if code := SignOut(&out, st, down); code != 2 || st.creds == nil || !strings.Contains(out.String(), "still active") {
		t.Fatalf("hub down: exit %d, token kept %v: %s", code, st.creds != nil, out.String())
	}

	out.Reset()
	if code := SignOut(&out, &memStore{}, ok); code != 0 || len(revoked) != 1 {
		t.Fatalf("never signed in: exit %d, %d revocations: %s", code, len(revoked), out.String())
	}
	if code := SignOut(&out, &memStore{loadErr: secrets.ErrUnavailable}, ok); code != 1 {
		t.Fatalf("no keyring: exit %d", code)
	}
}
