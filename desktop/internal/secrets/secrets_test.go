package secrets

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestRoundTripWithMock(t *testing.T) {
	keyring.MockInit()
	t.Cleanup(keyring.MockInit)
	s := Store{}
	if _, err := s.Load(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty keyring: %v, want ErrNotFound", err)
	}
	want := Credentials{HubURL: "https://hub.example.com", Token: "phd_secret", DeviceID: "dev_1"}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	if err != nil || got != want {
		t.Fatalf("Load = %+v, %v; want %+v", got, err, want)
	}
	if err := s.Delete(); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if _, err := s.Load(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestUnavailableKeyringIsExplained(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	err := Store{}.Save(Credentials{HubURL: "https://h", Token: "t"})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "org.freedesktop.secrets") || !strings.Contains(err.Error(), "keyring") {
		t.Fatalf("Save = %v", err)
	}
	if _, err := (Store{}).Load(); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Load = %v", err)
	}
}

func TestDamagedEntryCountsAsSignedOut(t *testing.T) {
	keyring.MockInit()
	t.Cleanup(keyring.MockInit)
	if err := keyring.Set(Service, User, "not json"); err != nil {
		t.Fatal(err)
	}
	if _, err := (Store{}).Load(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load = %v", err)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	_, err := call(50*time.Millisecond, func() (string, error) { <-release; return "", nil })
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrUnavailable) || time.Since(start) > 2*time.Second {
		t.Fatalf("call = %v after %v", err, time.Since(start))
	}
}
