package servicenowemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Headers of the business rule's signed call (installers/servicenow/presence_hub_rule.js).
const (
	SignatureHeader = "X-PresenceHub-Signature"
	TimestampHeader = "X-PresenceHub-Timestamp"
	// EventPresenceChanged is the body's event.
	EventPresenceChanged = "awa_agent_presence.changed"
)

// AddWebhook installs the Presence Hub business rule pointing at url (the hub's
// /v1/webhooks/{connection}): every later change of an agent's presence — in the inbox or through the
// API — is POSTed there, signed with the inbound secret.
func (e *Emulator) AddWebhook(url string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sender == nil {
		e.sender = emulator.NewSender(e.opts.Log)
	}
	e.hooks = append(e.hooks, url)
}

// ruleBody is what the business rule sends for u's presence row; mu must be held.
func (e *Emulator) ruleBody(u *user) []byte {
	s, _ := stateBySysID(u.state)
	b, _ := json.Marshal(map[string]string{
		"event": EventPresenceChanged, "sys_id": u.presenceID, "agent": u.sysID,
		"presence_state": u.state, "presence_state_name": s.Name,
		"sys_updated_on": glideTime(u.updatedOn), "sys_updated_by": u.updatedBy, "sys_mod_count": strconv.Itoa(u.modCount),
	})
	return b
}

// fire queues the business rule's call to every installed URL; fireMu must be held (order).
func (e *Emulator) fire(body []byte) {
	e.mu.Lock()
	hooks, sender := append([]string(nil), e.hooks...), e.sender
	e.mu.Unlock()
	for _, url := range hooks {
		sender.Send(emulator.Delivery{URL: url, Header: e.Sign(body), Body: body})
	}
}

// Sign returns the business rule's headers for body, timestamped now:
// base64(HMAC-SHA256(base64-decoded secret, timestamp + "." + body)), as GlideCertificateEncryption's
// generateMac computes it.
func (e *Emulator) Sign(body []byte) http.Header {
	key, err := base64.StdEncoding.DecodeString(e.opts.InboundSecret)
	if err != nil {
		key = []byte(e.opts.InboundSecret)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	h := http.Header{}
	h.Set(TimestampHeader, ts)
	h.Set(SignatureHeader, base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return h
}
