package vendorsync

import (
	"context"
	"errors"
	"fmt"

	"presencehub.dev/hub/internal/vendorapi"
)

// ErrConnectionUnusable: no adapter can be built for the connection as configured (missing
// credentials or settings the vendor needs).
var ErrConnectionUnusable = errors.New("the connection cannot be used")

// LookupStates tells which of ids a connection's vendor has: the vendor's static states are answered
// without a request, and the vendor is asked (paced like every request to it) only when an id can
// only be confirmed by it. An error means the connection itself cannot be used (not found,
// ErrUnsupportedVendor, ErrConnectionUnusable); a vendor that does not answer is reported in the
// Lookup (Unverified, Err).
func (cs *connections) LookupStates(ctx context.Context, tenantID, connectionID string, ids []string) (vendorapi.Lookup, error) {
	c, err := cs.st.GetConnection(ctx, tenantID, connectionID)
	if err != nil {
		return vendorapi.Lookup{}, err
	}
	l, err := cs.of(ctx, c)
	if errors.Is(err, ErrUnsupportedVendor) {
		return vendorapi.Lookup{}, err
	}
	if err != nil {
		return vendorapi.Lookup{}, fmt.Errorf("%w: %w", ErrConnectionUnusable, err)
	}
	lookup := vendorapi.LookupStates(ctx, l.adapter, ids, l.wait)
	if lookup.Complete {
		cs.remember(c.ID, lookup.All)
	}
	return lookup, nil
}

// States asks a connection's vendor for its states (for mapping choices).
func (cs *connections) States(ctx context.Context, tenantID, connectionID string) ([]vendorapi.State, error) {
	if _, err := cs.st.GetConnection(ctx, tenantID, connectionID); err != nil {
		return nil, err
	}
	l, err := cs.get(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	if err := l.wait(ctx); err != nil {
		return nil, err
	}
	states, err := l.adapter.ListStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrVendor, err)
	}
	cs.remember(connectionID, states)
	return states, nil
}
