package servicenow

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Headers of the business rule's signed call (installers/servicenow/presence_hub_rule.js).
const (
	SignatureHeader = "X-PresenceHub-Signature"
	TimestampHeader = "X-PresenceHub-Timestamp"
	// EventPresenceChanged is the event the business rule sends.
	EventPresenceChanged = "awa_agent_presence.changed"
)

// MaxSignatureAge is how far a call's timestamp may be from now (either way).
const MaxSignatureAge = 5 * time.Minute

// GenerateInboundSecret returns a new inbound secret: 32 random bytes, base64 (the form the business
// rule's GlideCertificateEncryption.generateMac takes its key in).
func GenerateInboundSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating an inbound secret: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

func decodeSecret(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("servicenow: credential %q must be base64 of at least 16 bytes (GenerateInboundSecret makes one)", CredInboundSecret)
	}
	return key, nil
}

// ruleEvent is the business rule's body: the awa_agent_presence row's fields, as strings.
type ruleEvent struct {
	Event         string `json:"event"`
	SysID         string `json:"sys_id"`
	Agent         string `json:"agent"`
	PresenceState string `json:"presence_state"`
	UpdatedOn     string `json:"sys_updated_on"`
	UpdatedBy     string `json:"sys_updated_by"`
	ModCount      string `json:"sys_mod_count"`
}

// ParseWebhook verifies a call from the Presence Hub business rule (vendorapi.ErrBadSignature: no
// secret configured, headers missing, timestamp more than MaxSignatureAge away, or HMAC mismatch)
// and parses it (vendorapi.ErrMalformed). A change older than one already reported for the agent
// (by sys_mod_count, through either path) answers no changes; so do other events.
func (a *Adapter) ParseWebhook(header http.Header, body []byte) ([]vendorapi.Change, error) {
	if err := a.verify(header, body); err != nil {
		return nil, err
	}
	var ev ruleEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("parsing servicenow business rule call: %w: %w", vendorapi.ErrMalformed, err)
	}
	if ev.Event != EventPresenceChanged {
		return nil, nil
	}
	mod, err := strconv.Atoi(ev.ModCount)
	if ev.Agent == "" || ev.PresenceState == "" || err != nil {
		return nil, fmt.Errorf("parsing servicenow business rule call: %w: want agent, presence_state and a numeric sys_mod_count", vendorapi.ErrMalformed)
	}
	if !a.fresh(rowKey(ev.SysID, ev.Agent), mod) {
		return nil, nil
	}
	return []vendorapi.Change{a.change(ev.Agent, ev.PresenceState, ev.UpdatedBy, ev.SysID, ev.UpdatedOn, mod)}, nil
}

// change builds a reported change from a presence row's fields.
func (a *Adapter) change(agent, state, updatedBy, rowID, updatedOn string, mod int) vendorapi.Change {
	t, err := time.Parse(time.DateTime, updatedOn)
	if err != nil {
		t = time.Time{} // not stamped: the hub cannot place it before or after its own writes
	}
	return vendorapi.Change{ExternalID: agent, State: vocabulary(state), ViaAPI: updatedBy == a.username,
		EventID: rowID + "@" + strconv.Itoa(mod), Time: t.UTC()}
}

// fresh reports whether mod is newer than what was reported for a presence row, and remembers it.
func (a *Adapter) fresh(row string, mod int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if last, ok := a.lastMod[row]; ok && mod <= last {
		return false
	}
	a.lastMod[row] = mod
	return true
}

// rowKey names an agent's presence row: its sys_id (a row made again starts counting anew), else the agent.
func rowKey(rowID, agent string) string {
	if rowID != "" {
		return rowID
	}
	return agent
}

// verify checks the signature in constant time.
func (a *Adapter) verify(header http.Header, body []byte) error {
	if a.secretErr != nil {
		return fmt.Errorf("%w: %w", vendorapi.ErrBadSignature, a.secretErr)
	}
	if len(a.secret) == 0 {
		return fmt.Errorf("%w: no %q configured for this connection", vendorapi.ErrBadSignature, CredInboundSecret)
	}
	sig, ts := header.Get(SignatureHeader), header.Get(TimestampHeader)
	if sig == "" || ts == "" {
		return fmt.Errorf("%w: missing %s or %s", vendorapi.ErrBadSignature, SignatureHeader, TimestampHeader)
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not UNIX seconds", vendorapi.ErrBadSignature, ts)
	}
	if age := time.Since(time.Unix(secs, 0)); age > MaxSignatureAge || age < -MaxSignatureAge {
		return fmt.Errorf("%w: timestamp %s is %s from now", vendorapi.ErrBadSignature, ts, age.Round(time.Second))
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", vendorapi.ErrBadSignature)
	}
	mac := hmac.New(sha256.New, a.secret)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return fmt.Errorf("%w: HMAC mismatch", vendorapi.ErrBadSignature)
	}
	return nil
}
