package zendesk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Webhook signature headers.
const (
	SignatureHeader = "X-Zendesk-Webhook-Signature"
	TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp"
)

// MaxSignatureAge is how far a delivery's signature timestamp may be from now (either way).
const MaxSignatureAge = 5 * time.Minute

// reasonPublicAPI marks a unified status change made through the API.
const reasonPublicAPI = "PUBLIC_API"

type envelope struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Time   string `json:"time"`
	Detail struct {
		AgentID flexInt `json:"agent_id"`
	} `json:"detail"`
	Event json.RawMessage `json:"event"`
}

type unifiedState struct {
	ID     flexInt `json:"id"`
	Name   string  `json:"name"`
	Reason string  `json:"reason"`
}

// ParseWebhook verifies the HMAC-SHA256 signature over timestamp+body (vendorapi.ErrBadSignature when
// missing, wrong, or timestamped more than MaxSignatureAge away) and parses the event:
// agent.unified_state_changed (unified mode) or agent.state_changed on the talk channel (talk mode).
// Other events answer no changes.
func (a *Adapter) ParseWebhook(header http.Header, body []byte) ([]vendorapi.Change, error) {
	if err := a.verify(header, body); err != nil {
		return nil, err
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %w", vendorapi.ErrMalformed, err)
	}
	at, _ := time.Parse(time.RFC3339Nano, env.Time)
	agent := strconv.FormatInt(int64(env.Detail.AgentID), 10)
	switch typ := strings.TrimPrefix(env.Type, "zen:event-type:"); {
	case typ == "agent.unified_state_changed" && !a.talk:
		var ev struct {
			New *unifiedState `json:"new_unified_state"`
		}
		if err := json.Unmarshal(env.Event, &ev); err != nil || ev.New == nil || env.Detail.AgentID <= 0 {
			return nil, fmt.Errorf("%w: %s without agent_id or new_unified_state", vendorapi.ErrMalformed, env.Type)
		}
		return []vendorapi.Change{{ExternalID: agent, State: a.stateFor(int64(ev.New.ID), ev.New.Name),
			ViaAPI: ev.New.Reason == reasonPublicAPI, EventID: env.ID, Time: at}}, nil
	case typ == "agent.state_changed" && a.talk:
		var ev struct {
			Channel  string `json:"channel"`
			NewState string `json:"new_state"`
		}
		if err := json.Unmarshal(env.Event, &ev); err != nil || env.Detail.AgentID <= 0 || ev.NewState == "" {
			return nil, fmt.Errorf("%w: %s without agent_id or new_state", vendorapi.ErrMalformed, env.Type)
		}
		if ev.Channel != "talk" {
			return nil, nil
		}
		return []vendorapi.Change{{ExternalID: agent, State: ev.NewState, EventID: env.ID, Time: at}}, nil
	default:
		return nil, nil
	}
}

// verify checks the signature in constant time; without a configured secret nothing verifies.
func (a *Adapter) verify(header http.Header, body []byte) error {
	sig, ts := header.Get(SignatureHeader), header.Get(TimestampHeader)
	if len(a.secret) == 0 {
		return fmt.Errorf("%w: no %q configured", vendorapi.ErrBadSignature, CredWebhookSecret)
	}
	if sig == "" || ts == "" {
		return fmt.Errorf("%w: missing %s or %s", vendorapi.ErrBadSignature, SignatureHeader, TimestampHeader)
	}
	at, err := parseTimestamp(ts)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q: %w", vendorapi.ErrBadSignature, ts, err)
	}
	if age := time.Since(at); age > MaxSignatureAge || age < -MaxSignatureAge {
		return fmt.Errorf("%w: timestamp %s is %s from now", vendorapi.ErrBadSignature, ts, age.Round(time.Second))
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", vendorapi.ErrBadSignature)
	}
	mac := hmac.New(sha256.New, a.secret)
	mac.Write([]byte(ts))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return fmt.Errorf("%w: HMAC mismatch", vendorapi.ErrBadSignature)
	}
	return nil
}

// parseTimestamp reads an RFC 3339 time or UNIX seconds.
func parseTimestamp(ts string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
		return t, nil
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("neither RFC 3339 nor UNIX seconds")
	}
	return time.Unix(secs, 0), nil
}
