package teamsemu

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// setPresenceRoute serves POST /v1.0/users/{id}/presence/setPresence: the calling application's
// presence session (sessionId must be its application id), an allowed pair, expirationDuration
// PT5M–PT4H (default PT5M).
func (e *Emulator) setPresenceRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	var in struct {
		SessionID          string `json:"sessionId"`
		Availability       string `json:"availability"`
		Activity           string `json:"activity"`
		ExpirationDuration string `json:"expirationDuration"`
	}
	if !readJSON(w, r, &in) || !e.checkSession(w, in.SessionID) {
		return
	}
	p := Pair{in.Availability, in.Activity}
	if !slices.Contains(sessionPairs, p) {
		badField(w, "availability", "%s/%s is not a supported availability/activity combination for setPresence", p.Availability, p.Activity)
		return
	}
	d := defaultSession
	if in.ExpirationDuration != "" {
		var ok bool
		if d, ok = ParseDuration(in.ExpirationDuration); !ok || d < minSession || d > maxSession {
			badField(w, "expirationDuration", "%q must be an ISO-8601 duration from PT5M to PT4H", in.ExpirationDuration)
			return
		}
	}
	e.mutate(w, seg[1], func(u *user, now time.Time) { u.sessions[in.SessionID] = session{Pair: p, expires: now.Add(d)} })
}

// clearPresenceRoute serves POST /v1.0/users/{id}/presence/clearPresence {"sessionId"}.
func (e *Emulator) clearPresenceRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	var in struct {
		SessionID string `json:"sessionId"`
	}
	if !readJSON(w, r, &in) || !e.checkSession(w, in.SessionID) {
		return
	}
	e.mutate(w, seg[1], func(u *user, _ time.Time) { delete(u.sessions, in.SessionID) })
}

// setPreferredRoute serves POST /v1.0/users/{id}/presence/setUserPreferredPresence: an allowed pair
// and an optional expirationDuration (default one day for Busy and DoNotDisturb, seven otherwise).
func (e *Emulator) setPreferredRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	var in struct {
		Availability       string `json:"availability"`
		Activity           string `json:"activity"`
		ExpirationDuration string `json:"expirationDuration"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	p := Pair{in.Availability, in.Activity}
	if !slices.Contains(preferredPairs, p) {
		badField(w, "availability", "%s/%s is not a supported availability/activity combination for setUserPreferredPresence", p.Availability, p.Activity)
		return
	}
	d := preferredDefault(p)
	if in.ExpirationDuration != "" {
		var ok bool
		if d, ok = ParseDuration(in.ExpirationDuration); !ok || d <= 0 {
			badField(w, "expirationDuration", "%q is not an ISO-8601 duration", in.ExpirationDuration)
			return
		}
	}
	e.mutate(w, seg[1], func(u *user, now time.Time) { u.preferred = &session{Pair: p, expires: now.Add(d)} })
}

// clearPreferredRoute serves POST /v1.0/users/{id}/presence/clearUserPreferredPresence.
func (e *Emulator) clearPreferredRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	var in struct{}
	if !readJSON(w, r, &in) {
		return
	}
	e.mutate(w, seg[1], func(u *user, _ time.Time) { u.preferred = nil })
}

func preferredDefault(p Pair) time.Duration {
	if p.Availability == "Busy" || p.Availability == "DoNotDisturb" {
		return 24 * time.Hour
	}
	return 7 * 24 * time.Hour
}

// checkSession requires sessionId to be the calling application's id (400 naming it otherwise).
func (e *Emulator) checkSession(w http.ResponseWriter, id string) bool {
	switch {
	case id == "":
		badField(w, "sessionId", "required")
		return false
	case id != e.opts.ClientID:
		badField(w, "sessionId", "must be the calling application's id")
		return false
	}
	return true
}

// mutate applies change to the user (by id or UPN), notifies a change of its aggregate and answers
// 200 with an empty body (404 for an unknown user).
func (e *Emulator) mutate(w http.ResponseWriter, key string, change func(*user, time.Time)) {
	e.mu.Lock()
	u := e.find(key)
	if u != nil {
		change(u, e.now())
		e.changed(u)
	}
	e.mu.Unlock()
	e.flush()
	if u == nil {
		notFound(w, key)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// durationRe is the ISO-8601 duration subset Graph's examples use: PnDTnHnMnS.
var durationRe = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// ParseDuration reads an ISO-8601 duration such as PT1H30M or P1D.
func ParseDuration(s string) (time.Duration, bool) {
	m := durationRe.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" || (len(s) > 1 && s[len(s)-1] == 'T') {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, err := strconv.Atoi(m[i+1])
			if err != nil {
				return 0, false
			}
			d += time.Duration(n) * unit
		}
	}
	return d, true
}
