package vendorapi

import (
	"context"
	"errors"
)

// ActionRunner is implemented by adapters whose requests an admin configures (the generic HTTP
// connector): a dry run performs one of them against the vendor and shows what the hub would read,
// changing nothing in the hub.
type ActionRunner interface {
	DryRun(ctx context.Context, action string, vars map[string]string) (*DryRunResult, error)
}

// ErrUnknownAction: the connector has no such action.
var ErrUnknownAction = errors.New("the connector has no such action")

// DryRunResult is what a dry run sent and read. Credential values never appear in it.
type DryRunResult struct {
	Method string
	URL    string
	Status int
	// Body is the start of the answer.
	Body string
	// Error says why the answer was refused or did not fit the mappings ("" when it did).
	Error string
	// Users, Count, Total and Next are the user list's mapped result (list_users only).
	Users        []User
	Count, Total int64
	Next         string
}

type agentEmailKey struct{}

// WithAgentEmail tells the adapter the email of the agent a write is for (templates may use it).
func WithAgentEmail(ctx context.Context, email string) context.Context {
	return context.WithValue(ctx, agentEmailKey{}, email)
}

// AgentEmail is the email WithAgentEmail set ("" if none).
func AgentEmail(ctx context.Context) string {
	s, _ := ctx.Value(agentEmailKey{}).(string)
	return s
}
