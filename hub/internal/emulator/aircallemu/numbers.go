package aircallemu

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// supportLine is the company's one phone number; every user is assigned to it.
var supportLine = struct {
	id                 int64
	name, digits, e164 string
	country, timeZone  string
	createdAt          time.Time
}{id: 904, name: "Support line", digits: "+1 212-555-0100", e164: "+12125550100", country: "US",
	timeZone: "America/New_York", createdAt: time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC)}

// numberJSON is a number as users carry it (and GET /v2/users/{id}/numbers lists it).
func numberJSON(base string) map[string]any {
	n := supportLine
	return map[string]any{"id": n.id, "direct_link": base + "/v1/numbers/" + strconv.FormatInt(n.id, 10), "name": n.name,
		"digits": n.digits, "e164_digits": n.e164, "created_at": stamp(n.createdAt), "country": n.country,
		"time_zone": n.timeZone, "open": true, "availability_status": "open", "is_ivr": false, "live_recording_activated": false}
}

// listUserNumbers serves GET /v2/users/{id or email}/numbers: the user's numbers, paginated like
// every list. Unconfirmed: the list envelope ({"numbers": [...], "meta": {...}}, as Aircall's other
// lists) and the number fields (those of the v1 user's numbers).
func (e *Emulator) listUserNumbers(w http.ResponseWriter, r *http.Request, id string) {
	pg, ok := parsePage(w, r)
	if !ok {
		return
	}
	e.mu.Lock()
	u := e.lookup(id)
	for _, uid := range e.order {
		if u == nil && strings.EqualFold(e.users[uid].email, id) {
			u = e.users[uid]
		}
	}
	e.mu.Unlock()
	if u == nil {
		notFound(w, "user")
		return
	}
	all := []any{numberJSON(baseURL(r))}
	lo, hi := pg.bounds(len(all))
	writeJSON(w, http.StatusOK, map[string]any{"numbers": all[lo:hi], "meta": pg.meta(r, hi-lo, len(all))})
}
