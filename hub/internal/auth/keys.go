// Package auth authenticates admin callers by API key. Keys are random bearer secrets; only their SHA-256
// is stored (a fast hash is right for high-entropy secrets and lets the lookup be an index hit).
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// KeyPrefix starts every generated API key, so leaked keys are easy to recognise and scan for.
const KeyPrefix = "phk_"

// MinKeyLength is the shortest secret accepted as a bootstrap key.
const MinKeyLength = 20

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a fresh API key secret with 160 bits of entropy.
func NewSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("reading random key: " + err.Error())
	}
	return KeyPrefix + strings.ToLower(keyEncoding.EncodeToString(b))
}

// Hash is the stored form of a secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// DisplayPrefix is the part of a secret shown in listings to recognise a key.
func DisplayPrefix(secret string) string {
	if len(secret) <= 10 {
		return secret[:len(secret)/2]
	}
	return secret[:10]
}
