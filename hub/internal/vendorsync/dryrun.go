package vendorsync

import (
	"context"
	"errors"
	"fmt"

	"presencehub.dev/hub/internal/vendorapi"
)

// ErrNoActions: the connection's adapter has no configurable actions (only the generic HTTP connector
// has).
var ErrNoActions = errors.New("only connections of vendor http have actions to run")

// DryRun runs one of a connection's configured actions against its vendor, paced like every request
// to it, and returns what was sent and read. Nothing in the hub changes.
func (cs *connections) DryRun(ctx context.Context, tenantID, connectionID, action string, vars map[string]string) (*vendorapi.DryRunResult, error) {
	if _, err := cs.st.GetConnection(ctx, tenantID, connectionID); err != nil {
		return nil, err
	}
	l, err := cs.get(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	runner, ok := l.adapter.(vendorapi.ActionRunner)
	if !ok {
		return nil, ErrNoActions
	}
	if err := l.wait(ctx); err != nil {
		return nil, err
	}
	res, err := runner.DryRun(ctx, action, vars)
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, vendorapi.ErrUnknownAction):
		return nil, err
	}
	return nil, fmt.Errorf("%w: %w", ErrVendor, err)
}
