package aircall

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// envelope is every Aircall webhook body.
type envelope struct {
	Resource  string          `json:"resource"`
	Event     string          `json:"event"`
	Timestamp int64           `json:"timestamp"`
	Token     string          `json:"token"`
	Data      json.RawMessage `json:"data"`
}

// id is an Aircall id, sent as a JSON number (a string is accepted too).
type id string

func (i *id) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*i = id(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
		return fmt.Errorf("id %s is not an integer", n)
	}
	*i = id(n.String())
	return nil
}

// hookUser is the part of a (full, v2 or abridged) user object a webhook needs.
type hookUser struct {
	ID                 id     `json:"id"`
	AvailabilityStatus string `json:"availability_status"`
}

// ParseWebhook checks the body's token against the webhook_token credential (constant time) and turns
// agent-state events into changes:
//   - user.opened: data.availability_status, or "available" when absent
//   - user.closed: data.availability_status (the second, substatus-only user.closed gives nothing)
//   - user.wut_start: after_call_work; user.wut_end: data.availability_status
//   - call.answered: in_call for data.user; call.hungup and call.ended: data.user's availability_status
//
// The ".v2" variants parse alike. Other events answer no changes. Aircall does not mark API writes,
// so ViaAPI is always false, and deliveries carry no event id.
func (a *Adapter) ParseWebhook(_ http.Header, body []byte) ([]vendorapi.Change, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("parsing aircall webhook: %w: %w", vendorapi.ErrMalformed, err)
	}
	if env.Token == "" || subtle.ConstantTimeCompare([]byte(env.Token), []byte(a.webhookToken)) != 1 {
		return nil, fmt.Errorf("parsing aircall webhook: %w", vendorapi.ErrBadSignature)
	}
	event := strings.TrimSuffix(env.Event, ".v2")
	var u hookUser
	switch event {
	case "user.opened", "user.closed", "user.wut_start", "user.wut_end":
		if err := json.Unmarshal(env.Data, &u); err != nil {
			return nil, fmt.Errorf("parsing aircall %s webhook: %w: %w", env.Event, vendorapi.ErrMalformed, err)
		}
	case "call.answered", "call.hungup", "call.ended":
		var c struct {
			User *hookUser `json:"user"`
		}
		if err := json.Unmarshal(env.Data, &c); err != nil {
			return nil, fmt.Errorf("parsing aircall %s webhook: %w: %w", env.Event, vendorapi.ErrMalformed, err)
		}
		if c.User == nil {
			return nil, nil // not (yet) taken by an agent: IVR, voicemail, missed call
		}
		u = *c.User
	default:
		return nil, nil
	}
	if u.ID == "" {
		return nil, fmt.Errorf("parsing aircall %s webhook: %w: no user id", env.Event, vendorapi.ErrMalformed)
	}
	state := u.AvailabilityStatus
	switch event {
	case "user.opened":
		if state == "" {
			state = StateAvailable
		}
	case "user.wut_start":
		state = StateAfterCallWork
	case "call.answered":
		state = StateInCall
	}
	if state == "" {
		return nil, nil
	}
	var t time.Time // not stamped: the hub cannot place it before or after its own writes
	if env.Timestamp > 0 {
		t = time.Unix(env.Timestamp, 0)
	}
	return []vendorapi.Change{{ExternalID: string(u.ID), State: state, Time: t}}, nil
}
