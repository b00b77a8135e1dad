package seal

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpenRoundTripAndBinding(t *testing.T) {
	k1, k2 := NewKey(), NewKey()
	s1, err := New(k1)
	if err != nil {
		t.Fatal(err)
	}
	id, sealed, err := s1.Seal([]byte(`{"api_token":"x"}`), "tn_1/cn_1")
	if err != nil || id != KeyID(k1) {
		t.Fatalf("seal: %v id %s", err, id)
	}
	if bytes.Contains(sealed, []byte("api_token")) {
		t.Fatal("ciphertext contains plaintext")
	}
	if got, err := s1.Open(id, sealed, "tn_1/cn_1"); err != nil || string(got) != `{"api_token":"x"}` {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s1.Open(id, sealed, "tn_2/cn_1"); err == nil {
		t.Fatal("opened for the wrong owner")
	}
	tampered := append([]byte{}, sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := s1.Open(id, tampered, "tn_1/cn_1"); err == nil {
		t.Fatal("opened a tampered value")
	}
	// A sealer with a new primary still opens what the old key sealed.
	s2, err := New(k2, k1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Open(id, sealed, "tn_1/cn_1"); err != nil {
		t.Fatalf("older key: %v", err)
	}
	if s2.PrimaryKeyID() != KeyID(k2) {
		t.Fatal("primary key id")
	}
	other, _ := New(NewKey())
	if _, err := other.Open(id, sealed, "tn_1/cn_1"); err == nil {
		t.Fatal("opened with an unknown key")
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	k, created, err := LoadOrCreateKeyFile(dir)
	if err != nil || !created || len(k) != KeySize {
		t.Fatalf("create: %v %v", created, err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	again, created, err := LoadOrCreateKeyFile(dir)
	if err != nil || created || !bytes.Equal(k, again) {
		t.Fatalf("reload: created=%v %v", created, err)
	}
	for _, bad := range []string{"", "abc", "zz" + string(bytes.Repeat([]byte("0"), 62))} {
		if _, err := ParseHexKey(bad); err == nil {
			t.Errorf("ParseHexKey(%q) accepted", bad)
		}
	}
}
