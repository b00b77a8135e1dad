// Package ids makes the hub's resource identifiers: a short type prefix and a lowercase ULID, so ids
// sort by creation time (keyset pagination relies on that) and say what they name ("ag_01j...").
package ids

import (
	"strings"

	"github.com/oklog/ulid/v2"
)

// Prefixes of each resource's ids.
const (
	Tenant     = "tn"
	Status     = "st"
	Team       = "tm"
	Agent      = "ag"
	Connection = "cn"
	Rule       = "ru"
	APIKey     = "ak"
	Audit      = "au"
	Timeline   = "tl"
	Device     = "dv"
	Write      = "wr"
	SyncRun    = "sr"
	Hold       = "hd" // a presence change held by flow control
)

// New returns a fresh id with the given prefix. Ids made by one process increase strictly, even within
// one millisecond (ulid.Make uses monotonic entropy).
func New(prefix string) string {
	return prefix + "_" + strings.ToLower(ulid.Make().String())
}

// HasPrefix reports whether id looks like an id of the given kind.
func HasPrefix(id, prefix string) bool {
	return strings.HasPrefix(id, prefix+"_")
}
