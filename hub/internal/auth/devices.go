package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// DeviceTokenPrefix starts every device token.
const DeviceTokenPrefix = "phd_"

// pairingAlphabet has no 0/O, 1/I/L: codes are read aloud and typed by hand.
const pairingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewDeviceToken returns a fresh device token.
func NewDeviceToken() string {
	return DeviceTokenPrefix + NewSecret()[len(KeyPrefix):]
}

// NewPairingCode returns an 8-character code shown as "ABCD-EFGH" (about 40 bits; attempts are
// rate-limited, codes expire and work once).
func NewPairingCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic("reading random code: " + err.Error())
	}
	out := make([]byte, 0, 9)
	for i, v := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, pairingAlphabet[int(v)%len(pairingAlphabet)])
	}
	return string(out)
}

// NormalizePairingCode accepts any case, spaces and dashes.
func NormalizePairingCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r != '-' && r != ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// deviceStore finds devices by token hash.
type deviceStore interface {
	DeviceByTokenHash(ctx context.Context, hash string) (*model.Device, error)
}

// AuthenticateDevice checks a device token header and returns the device.
func AuthenticateDevice(ctx context.Context, devices deviceStore, header string) (*model.Device, error) {
	token, ok := BearerToken(header)
	if !ok || !strings.HasPrefix(token, DeviceTokenPrefix) {
		return nil, ErrUnauthenticated
	}
	d, err := devices.DeviceByTokenHash(ctx, Hash(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("authenticating device: %w", err)
	}
	return d, nil
}
