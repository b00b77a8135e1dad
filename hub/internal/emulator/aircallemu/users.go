package aircallemu

import (
	"strconv"
	"time"
)

// Availability statuses a user (or the API) can set.
const (
	statusAvailable   = "available"
	statusCustom      = "custom"
	statusUnavailable = "unavailable"
)

// Operational availabilities (read-only, GET /v1/users/availabilities).
const (
	opAvailable     = "available"
	opOffline       = "offline"
	opDoNotDisturb  = "do_not_disturb"
	opInCall        = "in_call"
	opAfterCallWork = "after_call_work"
)

// user is one Aircall user and what the emulator knows of its activity.
type user struct {
	id         int64
	name       string
	email      string
	status     string // availability_status
	createdAt  time.Time
	timeZone   string
	language   string
	wrapUpTime int
	// offline: the user closed every Aircall app (user.disconnected).
	offline bool
	call    *call
	wrapUp  bool
}

// call is the call a user is on.
type call struct {
	id         int64
	rawDigits  string
	startedAt  time.Time
	answeredAt time.Time
	endedAt    time.Time
}

// User is a user of the emulated account, for seeding demos.
type User struct {
	ID, Email, Name string
}

// AddUser adds an available, connected user and returns its id.
func (e *Emulator) AddUser(email, name string) string {
	e.fireMu.Lock()
	defer e.fireMu.Unlock()
	e.mu.Lock()
	e.nextID++
	u := &user{id: e.nextID, name: name, email: email, status: statusAvailable, createdAt: now(),
		timeZone: "America/New_York", language: "en-US"}
	e.users[u.id] = u
	e.order = append(e.order, u.id)
	evs := userEvents("user.created", u, e.opts.PublicURL)
	e.mu.Unlock()
	e.fire(evs)
	return strconv.FormatInt(u.id, 10)
}

// Users lists the account's users in creation order.
func (e *Emulator) Users() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]User, 0, len(e.order))
	for _, id := range e.order {
		u := e.users[id]
		out = append(out, User{ID: strconv.FormatInt(u.id, 10), Email: u.email, Name: u.name})
	}
	return out
}

// lookup finds a user by its id as a string; mu must be held.
func (e *Emulator) lookup(id string) *user {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil
	}
	return e.users[n]
}

// availability is the user's operational availability.
func (u *user) availability() string {
	switch {
	case u.call != nil:
		return opInCall
	case u.wrapUp:
		return opAfterCallWork
	case u.offline:
		return opOffline
	case u.status == statusUnavailable:
		return opDoNotDisturb
	default:
		return opAvailable
	}
}

// available is the computed "can take calls now" flag of the user object.
func (u *user) available() bool { return u.availability() == opAvailable }

// substatus accompanies availability_status (Aircall's value list is unconfirmed).
func (u *user) substatus() string {
	switch u.status {
	case statusAvailable:
		return "always_opened"
	case statusUnavailable:
		return "always_closed"
	default:
		return "custom"
	}
}

// userJSON is the user object; Numbers is nil in the v2 form and in nested (abridged) users.
type userJSON struct {
	ID                 int64  `json:"id"`
	DirectLink         string `json:"direct_link"`
	Name               string `json:"name"`
	Email              string `json:"email"`
	Available          bool   `json:"available"`
	AvailabilityStatus string `json:"availability_status"`
	Substatus          string `json:"substatus,omitempty"`
	CreatedAt          string `json:"created_at"`
	TimeZone           string `json:"time_zone,omitempty"`
	Language           string `json:"language,omitempty"`
	WrapUpTime         *int   `json:"wrap_up_time,omitempty"`
	Numbers            *[]any `json:"numbers,omitempty"`
}

// v1 renders the full v1 user object (with its numbers).
func (u *user) v1(base string) userJSON {
	j := u.v2(base)
	j.Numbers = &[]any{numberJSON(base)}
	return j
}

// v2 renders the v2 user object: v1 without numbers.
func (u *user) v2(base string) userJSON {
	j := u.abridged(base)
	wut := u.wrapUpTime
	j.Substatus, j.TimeZone, j.Language, j.WrapUpTime = u.substatus(), u.timeZone, u.language, &wut
	return j
}

// abridged renders the user as nested in calls: no substatus, time zone, language or wrap-up time.
func (u *user) abridged(base string) userJSON {
	return userJSON{ID: u.id, DirectLink: base + "/v1/users/" + strconv.FormatInt(u.id, 10), Name: u.name,
		Email: u.email, Available: u.available(), AvailabilityStatus: u.status, CreatedAt: stamp(u.createdAt)}
}

// callJSON is the call object.
type callJSON struct {
	ID         int64    `json:"id"`
	DirectLink string   `json:"direct_link"`
	Direction  string   `json:"direction"`
	Status     string   `json:"status"`
	StartedAt  int64    `json:"started_at"`
	AnsweredAt *int64   `json:"answered_at"`
	EndedAt    *int64   `json:"ended_at"`
	Duration   int64    `json:"duration"`
	RawDigits  string   `json:"raw_digits"`
	User       userJSON `json:"user"`
}

// render renders c as u's call.
func (c *call) render(u *user, base string) callJSON {
	j := callJSON{ID: c.id, DirectLink: base + "/v1/calls/" + strconv.FormatInt(c.id, 10), Direction: "inbound",
		Status: "answered", StartedAt: c.startedAt.Unix(), RawDigits: c.rawDigits, User: u.abridged(base)}
	if !c.answeredAt.IsZero() {
		a := c.answeredAt.Unix()
		j.AnsweredAt = &a
	}
	if !c.endedAt.IsZero() {
		end := c.endedAt.Unix()
		j.EndedAt, j.Status, j.Duration = &end, "done", end-c.startedAt.Unix()
	}
	return j
}

// stamp formats a time like Aircall's created_at ("2019-12-29T10:03:18.000Z").
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
