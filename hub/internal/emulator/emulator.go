// Package emulator holds what every vendor emulator shares. An emulator is an HTTP server that
// reproduces one vendor's real API closely enough to test adapters through real HTTP: its auth schemes
// and error answers, pagination, state enumerations (settable or not), webhook envelopes and
// signatures, rate-limit headers and 429s. Vendors cannot be reached from the hub's test machines, so
// emulators stand in for them in tests, in `presence-hub demo` and standalone (`presence-hub emulate`).
// Each also serves the agent's side (AgentSidePrefix, agentside.go): what the agent does in the vendor's
// own apps, over HTTP, unauthenticated, for loopback tests and demos.
package emulator

import (
	"net/http"
)

// Emulator is one vendor account, served over HTTP.
type Emulator interface {
	http.Handler
	// Vendor is the vendor's name as connections spell it ("zendesk").
	Vendor() string
	// Credentials are the secrets a hub connection needs for this account (API token, webhook secret).
	Credentials() map[string]string
	// Settings are the non-secret connection settings the account needs ("" values omitted).
	Settings() map[string]string
	// AddUser adds an agent and returns its vendor id.
	AddUser(email, name string) string
	// Change sets a user's state "inside the vendor" (as the agent would in the vendor's own UI) and
	// fires the webhooks the vendor would.
	Change(externalID, state string) error
	// State is a user's current state, in the adapter's vocabulary.
	State(externalID string) (string, error)
	// AddWebhook subscribes url to the account's agent-state events, signed with the account's secret.
	AddWebhook(url string)
	// Sign returns the headers that make body a correctly signed delivery (none for token-in-body vendors).
	Sign(body []byte) http.Header
	// SetDown makes every request fail with 503 (an outage) until called with false.
	SetDown(down bool)
	// SetRateLimit sets the account's requests per minute (0: unlimited).
	SetRateLimit(perMinute int)
	// Calls lists the requests received, oldest first.
	Calls() []Call
}

// Connector is implemented by emulators of systems the hub reaches through the generic HTTP connector
// (vendor "http"): ConnectorSpec is the connection's http_connector (JSON) that speaks their API.
type Connector interface {
	ConnectorSpec() string
}
