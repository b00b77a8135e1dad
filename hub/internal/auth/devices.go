package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
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
// rate-limited, codes expire and work once). Every character of the alphabet is equally likely.
func NewPairingCode() string {
	code, err := pairingCode(rand.Reader)
	if err != nil {
		panic("reading random code: " + err.Error())
	}
	return code
}

// pairingCode draws the code's characters from r by rejection sampling: a byte at or above the
// largest multiple of the alphabet's size is drawn again, so "byte % size" favours no character.
func pairingCode(r io.Reader) (string, error) {
	const length = 8
	n := len(pairingAlphabet)
	limit := 256 - 256%n
	chars := make([]byte, 0, length)
	buf := make([]byte, length)
	for len(chars) < length {
		need := buf[:length-len(chars)] // no byte read is dropped unless rejected
		if _, err := io.ReadFull(r, need); err != nil {
			return "", err
		}
		for _, v := range need {
			if int(v) < limit {
				chars = append(chars, pairingAlphabet[int(v)%n])
			}
		}
	}
	return string(chars[:4]) + "-" + string(chars[4:]), nil
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
