package api

import (
	"unicode"
	"unicode/utf8"
)

// safeText reports whether s may be stored as a name, display name or email: valid UTF-8 without
// control characters (NUL, ESC, BEL, DEL, C1 …) or the bidirectional overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that make a name display as something else. Multiline fields
// (descriptions) may also hold newlines and tabs.
func safeText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t' || r == '\r'):
		case unicode.IsControl(r), r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return false
		}
	}
	return true
}
