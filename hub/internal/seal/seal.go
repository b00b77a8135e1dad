// Package seal encrypts vendor secrets at rest with AES-256-GCM. Each sealed value records the id of the
// key that sealed it, so keys can rotate, and is bound to its owner (associated data) so a sealed blob
// copied onto another row does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeySize is the length of a seal key in bytes (AES-256).
const KeySize = 32

// ErrUnknownKey means a value was sealed under a key this Sealer does not hold.
var ErrUnknownKey = errors.New("sealed with an unknown key")

// Sealer seals with its primary key and opens with any key it holds.
type Sealer struct {
	primary string
	aeads   map[string]cipher.AEAD
}

// New returns a Sealer whose primary key is primary; older keys still open what they sealed.
func New(primary []byte, older ...[]byte) (*Sealer, error) {
	s := &Sealer{aeads: map[string]cipher.AEAD{}}
	for i, k := range append([][]byte{primary}, older...) {
		id, aead, err := newAEAD(k)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			s.primary = id
		}
		s.aeads[id] = aead
	}
	return s, nil
}

// KeyID names a key without revealing it: the first 8 hex digits of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// PrimaryKeyID is the id of the key new values are sealed with.
func (s *Sealer) PrimaryKeyID() string { return s.primary }

// Seal encrypts plaintext bound to owner and returns the key id and nonce||ciphertext.
func (s *Sealer) Seal(plaintext []byte, owner string) (keyID string, sealed []byte, err error) {
	aead := s.aeads[s.primary]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("reading nonce: %w", err)
	}
	return s.primary, aead.Seal(nonce, nonce, plaintext, []byte(owner)), nil
}

// Open decrypts a value sealed for owner under keyID.
func (s *Sealer) Open(keyID string, sealed []byte, owner string) ([]byte, error) {
	aead, ok := s.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("opening secret: %w (key id %s)", ErrUnknownKey, keyID)
	}
	n := aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("opening secret: value too short")
	}
	out, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(owner))
	if err != nil {
		return nil, fmt.Errorf("opening secret: %w", err)
	}
	return out, nil
}

func newAEAD(key []byte) (string, cipher.AEAD, error) {
	if len(key) != KeySize {
		return "", nil, fmt.Errorf("seal key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", nil, fmt.Errorf("creating cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return "", nil, fmt.Errorf("creating GCM: %w", err)
	}
	return KeyID(key), aead, nil
}

// ConnectionOwner is the associated data a connection's credentials are sealed to, so a sealed value
// copied onto another connection or tenant does not open.
func ConnectionOwner(tenantID, connectionID string) string { return tenantID + "/" + connectionID }
