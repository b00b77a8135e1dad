package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorsync"
)

// vendorStatesTimeout bounds how long saving a rule waits for the vendor's list of states.
const vendorStatesTimeout = 3 * time.Second

// statesRetryAfter is the Retry-After of a rule refused because its vendor could not be asked for its
// states (unless the vendor itself said how long to wait).
const statesRetryAfter = 15 * time.Second

// checkVendorStates checks a rule's mappings against the states its vendor has (the same list as
// GET .../vendor-states):
//   - every vendor_state must be one of the vendor's states, exactly as it spells it (a Talkdesk
//     "busy:<id>" only for a custom Busy status the account has). States every account of the vendor
//     has are checked without a request; account-specific ones are checked against the vendor, and
//     when it cannot be asked the rule is refused with 503 and Retry-After (errStatesUnverified):
//     never saved unchecked to go dead later;
//   - a system-managed status (catalog kind "system": on a call, after-call work, refused) can only be
//     fed by the vendor's own system states, never by a state an agent or the hub picks (in NICE
//     CXone's words, such states are mapped on the publisher side only);
//   - a vendor state the vendor does not let an API set cannot be written (outbound).
func (s *Service) checkVendorStates(ctx context.Context, r *model.Rule, cat map[string]*model.Status, fe *fieldErrors) error {
	if s.sync == nil || r.ConnectionID == "" || (len(r.Inbound) == 0 && len(r.Outbound) == 0) {
		return nil
	}
	var ids []string
	for _, m := range r.Inbound {
		ids = append(ids, m.VendorState)
	}
	for _, m := range r.Outbound {
		ids = append(ids, m.VendorState)
	}
	slices.Sort(ids)
	ids = slices.DeleteFunc(slices.Compact(ids), func(id string) bool { return id == "" })
	ctx, cancel := context.WithTimeout(ctx, vendorStatesTimeout)
	defer cancel()
	lk, err := s.sync.LookupStates(ctx, r.TenantID, r.ConnectionID, ids)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil // reported as connection_id
	case errors.Is(err, vendorsync.ErrConnectionUnusable):
		return &userError{msg: fmt.Sprintf("the rule's vendor states cannot be checked: %v; fix the connection first", err), err: errConflictState}
	case err != nil:
		return err
	}
	var unverified []string
	exists := func(field, state string) bool {
		switch {
		case lk.Missing[state]:
			fe.add(field, "%s", noSuchState(state, lk))
		case lk.Unverified[state]:
			unverified = append(unverified, field)
		}
		_, ok := lk.Known[state]
		return ok
	}
	for i, m := range r.Inbound {
		if !exists(fmt.Sprintf("inbound[%d].vendor_state", i), m.VendorState) {
			continue
		}
		if c := cat[m.Status]; c != nil && c.Kind == model.KindSystem && !lk.Known[m.VendorState].System {
			fe.add(fmt.Sprintf("inbound[%d].status", i), "%q is system-managed: only a vendor's own system state can set it, and %q is not one", m.Status, m.VendorState)
		}
	}
	for i, m := range r.Outbound {
		f := fmt.Sprintf("outbound[%d].vendor_state", i)
		if exists(f, m.VendorState) && !lk.Known[m.VendorState].Settable {
			fe.add(f, "the vendor does not let the hub set %q (system-managed or read-only)", m.VendorState)
		}
	}
	if len(unverified) > 0 && fe.orNil() == nil {
		after := vendorapi.RetryAfter(lk.Err)
		if after <= 0 {
			after = statesRetryAfter
		}
		return &unverifiedError{fields: unverified, after: after}
	}
	return nil
}

// noSuchState says that the vendor has no state id, suggesting the one it likely meant.
func noSuchState(id string, lk vendorapi.Lookup) string {
	for _, s := range lk.All {
		if strings.EqualFold(s.ID, id) {
			return fmt.Sprintf("the vendor has no state %q; did you mean %q? (states are case-sensitive)", id, s.ID)
		}
	}
	if !lk.Complete || len(lk.All) == 0 || len(lk.All) > 20 {
		return fmt.Sprintf("the vendor has no state %q (the connection's vendor-states lists them all)", id)
	}
	ids := make([]string, 0, len(lk.All))
	for _, s := range lk.All {
		ids = append(ids, strconv.Quote(s.ID))
	}
	return fmt.Sprintf("the vendor has no state %q; it has %s", id, strings.Join(ids, ", "))
}
