// Package logkey names the structured log fields used by the hub and the tray, so every log line spells
// them the same way and logs can be queried by them.
package logkey

// Field keys for log/slog attributes.
const (
	Error      = "error"
	TenantID   = "tenant.id"
	AgentID    = "agent.id"
	APIKeyID   = "api_key.id"
	Connection = "connection.id"
	Method     = "rpc.method"
	Code       = "rpc.code"
	Duration   = "duration"
	Addr       = "addr"
	Path       = "path"
	Component  = "component"
	Version    = "version"
	Driver     = "db.driver"
	KeyID      = "seal.key_id"
	URL        = "url"
	Vendor     = "vendor"
	State      = "vendor.state"
	ExternalID = "vendor.user_id"
	WriteID    = "outbox.write_id"
	Attempt    = "outbox.attempt"
	Result     = "result"
	Event      = "vendor.event_id"
	SyncRunID  = "agent_sync.run_id"
	Pages      = "agent_sync.pages"
	Users      = "agent_sync.users"
	Trigger    = "agent_sync.trigger"
	Action     = "http_connector.action"
	HTTPStatus = "http.status"
	Replica    = "replica.id"
	Subject    = "bus.subject"
	Count      = "count"
	Reason     = "reason"
	Window     = "tray.window" // a tray window process: status, signin
)
