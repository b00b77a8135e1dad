package zendeskemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/oklog/ulid/v2"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/shared/logkey"
)

// Webhook signature headers.
const (
	SignatureHeader = "X-Zendesk-Webhook-Signature"
	TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp"
)

// Event types the account fires.
const (
	EventUnifiedStateChanged = "zen:event-type:agent.unified_state_changed"
	EventStateChanged        = "zen:event-type:agent.state_changed"
)

// envelope is a webhook delivery's body.
type envelope struct {
	Type         string            `json:"type"`
	AccountID    int64             `json:"account_id"`
	ID           string            `json:"id"`
	Subject      string            `json:"subject"`
	Time         string            `json:"time"`
	EventVersion string            `json:"zendesk_event_version"`
	Detail       map[string]string `json:"detail"`
	Event        any               `json:"event"`
}

type unifiedState struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// AddWebhook subscribes url to the agent availability events.
func (e *Emulator) AddWebhook(url string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hooks = append(e.hooks, url)
}

// Sign returns the signature headers for body, timestamped now:
// base64(HMAC-SHA256(secret, timestamp + body)).
func (e *Emulator) Sign(body []byte) http.Header {
	ts := time.Now().UTC().Format(time.RFC3339)
	mac := hmac.New(sha256.New, []byte(e.opts.WebhookSecret))
	mac.Write([]byte(ts))
	mac.Write(body)
	h := http.Header{}
	h.Set(SignatureHeader, base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	h.Set(TimestampHeader, ts)
	return h
}

func newEnvelope(typ string, u *user, at time.Time, event any) envelope {
	id := strconv.FormatInt(u.id, 10)
	return envelope{Type: typ, AccountID: accountID, ID: ulid.Make().String(), Subject: "zen:agent:" + id,
		Time: at.Format(time.RFC3339Nano), EventVersion: "2022-11-06",
		Detail: map[string]string{"account_id": strconv.Itoa(accountID), "agent_id": id, "version": strconv.Itoa(u.version)},
		Event:  event}
}

func unifiedEvent(u *user, prev *status, prevReason string, next *status, at time.Time) envelope {
	return newEnvelope(EventUnifiedStateChanged, u, at, map[string]any{
		"previous_unified_state": unifiedState{ID: strconv.FormatInt(prev.id, 10), Name: prev.name, Reason: prevReason},
		"new_unified_state":      unifiedState{ID: strconv.FormatInt(next.id, 10), Name: next.name, Reason: u.reason},
		"updated_at":             at.Format(time.RFC3339Nano),
	})
}

func stateEvent(u *user, channel, prev, next string, at time.Time) envelope {
	return newEnvelope(EventStateChanged, u, at, map[string]any{
		"channel": channel, "previous_state": prev, "new_state": next, "updated_at": at.Format(time.RFC3339Nano)})
}

// emit queues env, signed, to every webhook in order; e.mu must be held (it keeps events in order).
func (e *Emulator) emit(env envelope) {
	if len(e.hooks) == 0 {
		return
	}
	body, err := json.Marshal(env)
	if err != nil {
		e.log.Error("encoding webhook", slog.Any(logkey.Error, err))
		return
	}
	for _, url := range e.hooks {
		e.sender.Send(emulator.Delivery{URL: url, Header: e.Sign(body), Body: body})
	}
}
