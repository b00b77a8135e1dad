package auth

import (
	"bytes"
	"strings"
	"testing"
)

// cycling yields 0, 1, …, 255, 0, 1, … : every byte value equally often, like a perfect source.
type cycling struct{ next byte }

func (c *cycling) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.next
		c.next++
	}
	return len(p), nil
}

// TestPairingCodeCharactersAreUniform (finding 10): fed every byte value equally often, the code's
// characters come out equally often. With "byte % 31", 256 = 8×31 + 8 made 8 characters 9/8 as likely.
func TestPairingCodeCharactersAreUniform(t *testing.T) {
	src := &cycling{}
	counts := map[rune]int{}
	for range 31 * 8 * 10 {
		code, err := pairingCode(src)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != 9 || code[4] != '-' {
			t.Fatalf("code %q: want ABCD-EFGH", code)
		}
		for _, r := range strings.ReplaceAll(code, "-", "") {
			counts[r]++
		}
	}
	if len(counts) != len(pairingAlphabet) {
		t.Fatalf("%d distinct characters, want %d", len(counts), len(pairingAlphabet))
	}
	lo, hi := 1<<30, 0
	for _, n := range counts {
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi != lo {
		t.Fatalf("characters drawn between %d and %d times: biased (%v)", lo, hi, counts)
	}
}

func TestPairingCodeRejectsBiasedBytes(t *testing.T) {
	// 248..255 are above the largest multiple of 31 and must be skipped.
	src := bytes.NewReader(append(bytes.Repeat([]byte{255, 250, 248}, 4), []byte{0, 1, 2, 3, 4, 5, 6, 7}...))
	code, err := pairingCode(src)
	if err != nil || code != "ABCD-EFGH" {
		t.Fatalf("code %q, %v; want ABCD-EFGH (from bytes 0-7, after skipping 248-255)", code, err)
	}
	if a, b := NewPairingCode(), NewPairingCode(); a == b {
		t.Fatalf("two codes alike: %s", a)
	}
}
