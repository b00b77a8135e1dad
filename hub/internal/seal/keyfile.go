package seal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the file in the data dir that holds a generated seal key.
const KeyFileName = "seal.key"

// ParseHexKey decodes a 64-hex-digit key.
func ParseHexKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) != 2*KeySize {
		return nil, fmt.Errorf("seal key must be %d hex characters, got %d", 2*KeySize, len(s))
	}
	k, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("seal key is not hex: %w", err)
	}
	return k, nil
}

// NewKey returns a fresh random key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(fmt.Sprintf("reading random key: %v", err))
	}
	return k
}

// LoadOrCreateKeyFile reads the key in dir/seal.key, creating it (mode 0600) if absent.
// created reports whether a new key was written.
func LoadOrCreateKeyFile(dir string) (key []byte, created bool, err error) {
	path := filepath.Join(dir, KeyFileName)
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseHexKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("reading %s: %w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	k := NewKey()
	if err := WriteKeyFile(path, k); err != nil {
		return nil, false, err
	}
	return k, true, nil
}

// WriteKeyFile atomically writes key as hex to path with mode 0600.
func WriteKeyFile(path string, key []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing seal key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing seal key: %w", err)
	}
	return nil
}
