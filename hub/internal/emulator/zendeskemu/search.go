package zendeskemu

import (
	"net/http"
	"strings"
)

// getMe serves GET /api/v2/users/me: the authenticated user (API-token and OAuth credentials are
// both the account owner's).
func (e *Emulator) getMe(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	body := map[string]any{"user": userJSON(baseURL(r), e.byID[e.ownerID])}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// searchUsers serves GET /api/v2/users/search?query=: terms joined by spaces, all of which must
// match; "email:x" and "role:x" match exactly (email case-insensitively), "name:x" and a bare word
// match part of the name or email. Offset-paginated like the legacy list. Without query it answers
// 400 naming the parameter (Zendesk also takes external_id, which these users lack).
func (e *Emulator) searchUsers(w http.ResponseWriter, r *http.Request) {
	query := strings.TrimSpace(r.URL.Query().Get("query"))
	if query == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "query is required")
		return
	}
	terms := strings.Fields(query)
	e.mu.Lock()
	base := baseURL(r)
	all := []map[string]any{}
	for _, u := range e.users {
		if matchesAll(u, terms) {
			all = append(all, userJSON(base, u))
		}
	}
	e.mu.Unlock()
	offsetPage(w, r, all)
}

func matchesAll(u *user, terms []string) bool {
	for _, t := range terms {
		key, val, keyed := strings.Cut(t, ":")
		val = strings.Trim(val, `"`)
		lower := strings.ToLower
		switch {
		case keyed && key == "email":
			if !strings.EqualFold(u.email, val) {
				return false
			}
		case keyed && key == "role":
			if u.role != val {
				return false
			}
		case keyed && key == "name":
			if !strings.Contains(lower(u.name), lower(val)) {
				return false
			}
		default:
			if !strings.Contains(lower(u.name), lower(t)) && !strings.Contains(lower(u.email), lower(t)) {
				return false
			}
		}
	}
	return true
}
