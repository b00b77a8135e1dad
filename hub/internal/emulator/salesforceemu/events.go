package salesforceemu

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"presencehub.dev/shared/logkey"
)

// The Presence_Change__e platform event (installers/salesforce defines it), which the hub publishes
// and the utility-bar component applies.
const (
	EventObject        = "Presence_Change__e"
	FieldUserID        = "UserId__c"
	FieldStatusID      = "StatusId__c"
	FieldStatusAPIName = "StatusApiName__c"
	FieldRequestID     = "RequestId__c"
)

// Outcomes of a published event, as the utility-bar component would have handled it.
const (
	OutcomePending     = "pending"
	OutcomeApplied     = "applied"
	OutcomeNotLoggedIn = "not_logged_in" // the agent is logged out of Omni: the component does nothing
	OutcomeNoConsole   = "no_console"    // nobody has the console open to receive it
	OutcomeUnknown     = "unknown"       // no such user or status
)

// Event is a published Presence_Change__e and what became of it.
type Event struct {
	ID, UserID, StatusID, StatusAPIName, RequestID string
	Published                                      time.Time
	Outcome                                        string
}

// Events lists the published events, oldest first.
func (e *Emulator) Events() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.events)
}

// publish serves POST /sobjects/Presence_Change__e: 201 with the event id, and the component's part
// played ApplyDelay later.
func (e *Emulator) publish(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErrors(w, http.StatusBadRequest, "JSON_PARSER_ERROR", "Unexpected character in the request body")
		return
	}
	fields := map[string]string{}
	for k, v := range body {
		switch k {
		case FieldUserID, FieldStatusID, FieldStatusAPIName, FieldRequestID:
			s, ok := v.(string)
			if !ok && v != nil {
				writeErrors(w, http.StatusBadRequest, "JSON_PARSER_ERROR", fmt.Sprintf("Cannot deserialize instance of string from %v", v))
				return
			}
			fields[k] = s
		default:
			writeErrors(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", k, EventObject))
			return
		}
	}
	if fields[FieldUserID] == "" || (fields[FieldStatusID] == "" && fields[FieldStatusAPIName] == "") {
		writeErrors(w, http.StatusBadRequest, "REQUIRED_FIELD_MISSING", "Required fields are missing: ["+FieldUserID+", "+FieldStatusAPIName+"]")
		return
	}
	e.mu.Lock()
	e.seq++
	ev := Event{ID: newID(prefixEvent, e.seq), UserID: fields[FieldUserID], StatusID: fields[FieldStatusID],
		StatusAPIName: fields[FieldStatusAPIName], RequestID: fields[FieldRequestID], Published: now(), Outcome: OutcomePending}
	e.events = append(e.events, ev)
	index := len(e.events) - 1
	e.mu.Unlock()
	time.AfterFunc(e.opts.ApplyDelay, func() { e.apply(index) })
	writeJSON(w, http.StatusCreated, map[string]any{"id": ev.ID, "success": true, "errors": []any{}})
}

// apply plays the utility-bar component receiving event index: setServicePresenceStatus for a status,
// logout for "Offline", and nothing for an agent logged out of Omni or without an open console.
func (e *Emulator) apply(index int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	ev := &e.events[index]
	u := e.byID[ev.UserID]
	if u == nil && validID(ev.UserID) {
		for _, x := range e.users {
			if compare(x.id, ev.UserID) == 0 {
				u = x
			}
		}
	}
	switch {
	case u == nil:
		ev.Outcome = OutcomeUnknown
	case u.consoleClosed:
		ev.Outcome = OutcomeNoConsole
	case e.currentLocked(u.id) == nil:
		ev.Outcome = OutcomeNotLoggedIn
	case ev.StatusAPIName == StateOffline && ev.StatusID == "":
		e.logoutLocked(u.id, now())
		ev.Outcome = OutcomeApplied
	default:
		ref := ev.StatusID
		if ref == "" {
			ref = ev.StatusAPIName
		}
		s := e.statusLocked(ref)
		if s == nil {
			ev.Outcome = OutcomeUnknown
			return
		}
		e.setStatusLocked(u.id, s, now())
		ev.Outcome = OutcomeApplied
	}
	e.log.Debug("presence change event handled", slog.String(logkey.Event, ev.ID), slog.String(logkey.Result, ev.Outcome))
}
