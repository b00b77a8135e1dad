package model

import "time"

// Agent sync run states.
const (
	SyncRunning   = "running"
	SyncSucceeded = "succeeded"
	SyncFailed    = "failed"
)

// What started an agent sync run.
const (
	SyncTriggerManual   = "manual"
	SyncTriggerSchedule = "schedule"
)

// Outcomes of one vendor user in an agent sync run; each user read has exactly one.
const (
	// SyncUnchanged: already linked to the agent the vendor's email names (or held by a link kept as is).
	SyncUnchanged = "unchanged"
	// SyncLinked: newly linked to the agent with its email.
	SyncLinked = "linked"
	// SyncRelinked: the agent with its email was linked to another id of this vendor (an id that moved).
	SyncRelinked = "relinked"
	// SyncPinned: a pinned link differs from what the vendor says and was kept.
	SyncPinned = "pinned"
	// SyncCreated: no agent had the email; one was created (connection setting agent_sync_create_missing).
	SyncCreated = "created"
	// SyncUnmatched: no agent has the user's email (or it has none).
	SyncUnmatched = "unmatched"
	// SyncConflicting: the user could not be linked (its email was already seen in the run, or its id is
	// pinned to another agent).
	SyncConflicting = "conflict"
	// SyncError: the user could not be read (no id).
	SyncError = "error"
)

// Conflict kinds of an agent sync report.
const (
	// ConflictDuplicateEmail: two vendor users share an email; the first one read is linked.
	ConflictDuplicateEmail = "duplicate_email"
	// ConflictIDMoved: a link moved, from another id to this one or from another agent to this one.
	ConflictIDMoved = "id_moved"
	// ConflictIDPinned: the user's id is pinned to another agent than the one its email names.
	ConflictIDPinned = "id_pinned"
)

// MaxSyncDetails bounds the conflicts and errors a report lists (its counts are always exact).
const MaxSyncDetails = 100

// SyncRun is one run of a connection's agent sync: every vendor user read through the adapter, page by
// page, matched to agents by email and linked.
type SyncRun struct {
	ID           string
	TenantID     string
	ConnectionID string
	Trigger      string
	State        string
	// Cursor is the adapter's cursor of the next page to read: saved with each page's links, so a run
	// interrupted by a restart resumes after its last saved page.
	Cursor string
	// Pages counts the pages applied.
	Pages int64
	// Restarts counts how often the run was picked up again after the hub restarted.
	Restarts int32
	// Owner is the replica executing the run (the one that started it, or resumed it when that one
	// was gone).
	Owner      string
	Report     SyncReport
	Error      string
	CreateTime time.Time
	UpdateTime time.Time
	EndTime    time.Time
}

// SyncReport counts what a run found. Users = Unchanged + Linked + Relinked + Pinned + Created +
// UnmatchedVendor + conflicting users (duplicate emails, ids pinned elsewhere) + Errors.
type SyncReport struct {
	// Users is how many vendor users were read.
	Users int64 `json:"users"`
	// Matched counts users tied to an agent (unchanged, linked, relinked or pinned).
	Matched   int64 `json:"matched"`
	Unchanged int64 `json:"unchanged"`
	// Linked counts new links; Relinked links that moved to another id (each also a conflict).
	Linked   int64 `json:"linked"`
	Relinked int64 `json:"relinked"`
	// Pinned counts pinned links kept although the vendor said otherwise.
	Pinned  int64 `json:"pinned"`
	Created int64 `json:"created"`
	// UnmatchedVendor counts vendor users no agent matched; UnmatchedHub agents no vendor user matched
	// (known when the run ends).
	UnmatchedVendor int64 `json:"unmatched_vendor"`
	UnmatchedHub    int64 `json:"unmatched_hub"`
	// Conflicts counts ConflictDetails entries (all of them, even past MaxSyncDetails).
	Conflicts int64 `json:"conflicts"`
	Errors    int64 `json:"errors"`
	// ConflictDetails and ErrorDetails list the first MaxSyncDetails of each.
	ConflictDetails []SyncConflict `json:"conflict_details,omitempty"`
	ErrorDetails    []string       `json:"error_details,omitempty"`
}

// SyncConflict is one conflict of a run.
type SyncConflict struct {
	Kind       string `json:"kind"`
	Email      string `json:"email,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	AgentID    string `json:"agent_id,omitempty"`
	// OtherExternalID is the id the email or the agent had before (duplicate email, id moved).
	OtherExternalID string `json:"other_external_id,omitempty"`
	// OtherAgentID is the agent that held the id before, or holds its pinned link.
	OtherAgentID string `json:"other_agent_id,omitempty"`
}

// Count adds one user's outcome (and its conflict, if any) to r.
func (r *SyncReport) Count(outcome string, c *SyncConflict, errMsg string) {
	r.Users++
	switch outcome {
	case SyncUnchanged:
		r.Unchanged++
	case SyncLinked:
		r.Linked++
	case SyncRelinked:
		r.Relinked++
	case SyncPinned:
		r.Pinned++
	case SyncCreated:
		r.Created++
	case SyncUnmatched:
		r.UnmatchedVendor++
	case SyncError:
		r.Errors++
		if len(r.ErrorDetails) < MaxSyncDetails {
			r.ErrorDetails = append(r.ErrorDetails, errMsg)
		}
	}
	switch outcome {
	case SyncUnchanged, SyncLinked, SyncRelinked, SyncPinned:
		r.Matched++
	}
	if c != nil {
		r.Conflicts++
		if len(r.ConflictDetails) < MaxSyncDetails {
			r.ConflictDetails = append(r.ConflictDetails, *c)
		}
	}
}

// Clone returns a copy of r that shares no slices with it.
func (r SyncReport) Clone() SyncReport {
	r.ConflictDetails = append([]SyncConflict(nil), r.ConflictDetails...)
	r.ErrorDetails = append([]string(nil), r.ErrorDetails...)
	return r
}
