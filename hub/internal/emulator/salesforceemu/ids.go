package salesforceemu

import "fmt"

// Key prefixes of the record ids the emulator issues (User 005 and ServicePresenceStatus 0N5 are
// Salesforce's; UserServicePresence 0Hn and the platform event e00 are unconfirmed guesses).
const (
	prefixUser     = "005"
	prefixStatus   = "0N5"
	prefixPresence = "0Hn"
	prefixEvent    = "e00"
	prefixOrg      = "00D"
)

// newID is an 18-character id: prefix, a zero-padded sequence number, and the case-safe suffix.
func newID(prefix string, n int64) string {
	id15 := fmt.Sprintf("%s%012d", prefix, n)
	return id15 + idSuffix(id15)
}

// idSuffix is Salesforce's 3-character checksum that makes a 15-character id case-insensitive: for
// each 5-character chunk, a bit per uppercase letter, read as an index into A–Z0–5.
func idSuffix(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	out := make([]byte, 3)
	for chunk := range 3 {
		bits := 0
		for i := range 5 {
			if c := id15[chunk*5+i]; c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		out[chunk] = alphabet[bits]
	}
	return string(out)
}

// validID reports whether s has the shape of a record id: 15 or 18 letters and digits.
func validID(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
