package teamsemu

import (
	"net/http"
	"time"
)

// Pair is a presence: availability and activity.
type Pair struct {
	Availability string `json:"availability"`
	Activity     string `json:"activity"`
}

// session is one presence session (an application's, or the user's preferred presence) and when it ends.
type session struct {
	Pair
	expires time.Time
}

// user is one Entra user and its presence layers.
type user struct {
	id, upn, mail, name string
	enabled             bool
	// clientOn: the Teams client is signed in (a session of its own); call, meeting and presenting
	// are what it is doing.
	clientOn, call, meeting, presenting bool
	sessions                            map[string]session // by application id
	preferred                           *session
	last                                Pair // the aggregate last notified
}

// The pairs each write accepts (vendor API reference §8.4).
var (
	sessionPairs = []Pair{{"Available", "Available"}, {"Busy", "InACall"}, {"Busy", "InAConferenceCall"}, {"Away", "Away"},
		{"DoNotDisturb", "Presenting"}}
	preferredPairs = []Pair{{"Available", "Available"}, {"Busy", "Busy"}, {"DoNotDisturb", "DoNotDisturb"},
		{"BeRightBack", "BeRightBack"}, {"Away", "Away"}, {"Offline", "OffWork"}}
)

// rank orders sessions' availabilities: the strongest wins the aggregate.
var rank = map[string]int{"DoNotDisturb": 5, "Busy": 4, "Available": 3, "BeRightBack": 2, "Away": 1}

// Session durations (ISO-8601 expirationDuration).
const (
	minSession     = 5 * time.Minute
	maxSession     = 240 * time.Minute
	defaultSession = 5 * time.Minute
)

// client is the Teams client's own session ("" availability: signed out).
func (u *user) client() Pair {
	switch {
	case !u.clientOn:
		return Pair{}
	case u.presenting:
		return Pair{"DoNotDisturb", "Presenting"}
	case u.call:
		return Pair{"Busy", "InACall"}
	case u.meeting:
		return Pair{"Busy", "InAMeeting"}
	}
	return Pair{"Available", "Available"}
}

// aggregate is the user's presence at now: Offline without any session; else the preferred
// presence; else the strongest session (the Teams client's first on a tie).
func (u *user) aggregate(now time.Time) Pair {
	best, have := u.client(), u.clientOn
	for _, s := range u.sessions {
		if now.Before(s.expires) && (!have || rank[s.Availability] > rank[best.Availability]) {
			best, have = s.Pair, true
		}
	}
	if !have {
		return Pair{"Offline", "Offline"}
	}
	if u.preferred != nil && now.Before(u.preferred.expires) {
		return u.preferred.Pair
	}
	return best
}

// sweep drops what expired; the caller holds e.mu.
func (u *user) sweep(now time.Time) {
	for app, s := range u.sessions {
		if !now.Before(s.expires) {
			delete(u.sessions, app)
		}
	}
	if u.preferred != nil && !now.Before(u.preferred.expires) {
		u.preferred = nil
	}
}

// Sweep ends expired sessions and preferred presences on the clock, notifying what changed. Every
// request and read sweeps; tests advancing a fake clock may call it.
func (e *Emulator) Sweep() {
	defer e.flush()
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	for _, id := range e.order {
		e.users[id].sweep(now)
		e.changed(e.users[id])
	}
}

// Presence is a user's aggregate presence now.
func (e *Emulator) Presence(id string) (Pair, bool) {
	e.Sweep()
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[id]
	if u == nil {
		return Pair{}, false
	}
	return u.aggregate(e.now()), true
}

// SessionExpiry is when application app's session for user id ends (zero: none).
func (e *Emulator) SessionExpiry(id, app string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if u := e.users[id]; u != nil {
		if s, ok := u.sessions[app]; ok && e.now().Before(s.expires) {
			return s.expires
		}
	}
	return time.Time{}
}

func renderPresence(u *user, now time.Time) map[string]any {
	p := u.aggregate(now)
	return map[string]any{"id": u.id, "availability": p.Availability, "activity": p.Activity, "statusMessage": nil}
}

// getPresenceRoute serves GET /v1.0/users/{id}/presence and /v1.0/communications/presences/{id}.
func (e *Emulator) getPresenceRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	key := seg[len(seg)-1]
	if seg[0] == "users" {
		key = seg[1]
	}
	e.mu.Lock()
	u := e.find(key)
	var out map[string]any
	if u != nil {
		out = renderPresence(u, e.now())
	}
	e.mu.Unlock()
	if u == nil {
		notFound(w, key)
		return
	}
	out["@odata.context"] = baseURL(r) + "/v1.0/$metadata#users('" + u.id + "')/presence/$entity"
	writeJSON(w, http.StatusOK, out)
}

// MaxPresenceIDs bounds getPresencesByUserId and a subscription's id filter.
const MaxPresenceIDs = 650

// presencesByIDRoute serves POST /v1.0/communications/getPresencesByUserId {"ids": [...]}.
func (e *Emulator) presencesByIDRoute(w http.ResponseWriter, r *http.Request, _ []string, _ token) {
	var in struct {
		IDs []string `json:"ids"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	switch {
	case len(in.IDs) == 0:
		badField(w, "ids", "at least one id is required")
		return
	case len(in.IDs) > MaxPresenceIDs:
		badField(w, "ids", "at most %d ids are allowed, got %d", MaxPresenceIDs, len(in.IDs))
		return
	}
	e.mu.Lock()
	out := []map[string]any{}
	for _, id := range in.IDs {
		if u := e.users[id]; u != nil {
			out = append(out, renderPresence(u, e.now()))
		}
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": baseURL(r) + "/v1.0/$metadata#Collection(microsoft.graph.presence)", "value": out})
}
