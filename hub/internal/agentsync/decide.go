package agentsync

import (
	"net/mail"
	"strings"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// Decide says what to do with one vendor user. It is pure: the store reads the facts and applies the
// plan in the page's transaction.
//
//   - A user without an id is an error; one the run already read (listed twice) is skipped.
//   - A user whose email an earlier user of the run had is a duplicate_email conflict: the first one
//     read keeps its link.
//   - No agent has the email: a link already held by the user's id is kept (pinned if it is pinned and
//     names another email); otherwise, with createMissing, an agent is created and linked, or the user
//     is unmatched.
//   - The agent with the email is linked to the user's id already: unchanged. Linked elsewhere by a
//     pinned link: pinned (kept). The user's id is pinned to another agent: an id_pinned conflict.
//     Otherwise the agent is linked to the id, taking it from another agent that held it by an unpinned
//     link; a link that replaced another id of the agent is relinked. Either move is an id_moved conflict.
func Decide(f store.SyncFacts, createMissing bool) store.SyncPlan {
	u := f.User
	switch {
	case u.ExternalID == "":
		return store.SyncPlan{Outcome: model.SyncError, Error: "a vendor user has no id (email " + quote(u.Email) + ")"}
	case f.Repeat:
		return store.SyncPlan{}
	case f.EmailSeenAs != "":
		return store.SyncPlan{Outcome: model.SyncConflicting, Conflict: &model.SyncConflict{Kind: model.ConflictDuplicateEmail,
			Email: u.Email, ExternalID: u.ExternalID, OtherExternalID: f.EmailSeenAs}}
	}
	a, h := f.ByEmail, f.Holder
	if a == nil {
		switch {
		case h != nil && h.Pinned && store.EmailKey(h.Email) != store.EmailKey(u.Email):
			return store.SyncPlan{Outcome: model.SyncPinned}
		case h != nil:
			return store.SyncPlan{Outcome: model.SyncUnchanged}
		case createMissing && validEmail(u.Email):
			return store.SyncPlan{Outcome: model.SyncCreated, Create: true}
		}
		return store.SyncPlan{Outcome: model.SyncUnmatched}
	}
	switch {
	case a.ExternalID == u.ExternalID:
		return store.SyncPlan{Outcome: model.SyncUnchanged, Matched: a.ID}
	case a.ExternalID != "" && a.Pinned:
		return store.SyncPlan{Outcome: model.SyncPinned, Matched: a.ID}
	case h != nil && h.Pinned:
		return store.SyncPlan{Outcome: model.SyncConflicting, Matched: a.ID, Conflict: &model.SyncConflict{Kind: model.ConflictIDPinned,
			Email: u.Email, ExternalID: u.ExternalID, AgentID: a.ID, OtherAgentID: h.ID}}
	}
	plan := store.SyncPlan{Outcome: model.SyncLinked, Link: a.ID, Matched: a.ID}
	moved := &model.SyncConflict{Kind: model.ConflictIDMoved, Email: u.Email, ExternalID: u.ExternalID, AgentID: a.ID}
	if h != nil {
		plan.Unlink, moved.OtherAgentID, plan.Conflict = h.ID, h.ID, moved
	}
	if a.ExternalID != "" {
		plan.Outcome, moved.OtherExternalID, plan.Conflict = model.SyncRelinked, a.ExternalID, moved
	}
	return plan
}

// validEmail reports whether s (trimmed) is a bare email address, as the API requires of agents.
func validEmail(s string) bool {
	s = strings.TrimSpace(s)
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s && len(s) <= 254
}

func quote(s string) string {
	if s == "" {
		return "none"
	}
	return `"` + s + `"`
}
