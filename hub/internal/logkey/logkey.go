// Package logkey names the structured-log fields only the hub uses, beside the shared ones of
// presencehub.dev/shared/logkey (import this one as hubkey where both are needed).
package logkey

// Field keys for log/slog attributes.
const (
	SyncRunID = "agent_sync.run_id"
	Pages     = "agent_sync.pages"
	Users     = "agent_sync.users"
	Trigger   = "agent_sync.trigger"
	Action    = "http_connector.action"
	Status    = "http.status"
)
