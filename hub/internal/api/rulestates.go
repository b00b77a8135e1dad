package api

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/shared/logkey"
)

// vendorStatesTimeout bounds how long saving a rule waits for the vendor's list of states.
const vendorStatesTimeout = 3 * time.Second

// checkVendorStates checks a rule's mappings against the states its vendor reports (when the vendor
// answers in time; otherwise the rule is saved unchecked and the outbox reports refusals later):
//   - a system-managed status (catalog kind "system": on a call, after-call work, refused) can only be
//     fed by the vendor's own system states, never by a state an agent or the hub picks (in NICE
//     CXone's words, such states are mapped on the publisher side only);
//   - a vendor state the vendor does not let an API set cannot be written (outbound).
func (s *Service) checkVendorStates(ctx context.Context, r *model.Rule, cat map[string]*model.Status, fe *fieldErrors) {
	if s.sync == nil || r.ConnectionID == "" || (len(r.Inbound) == 0 && len(r.Outbound) == 0) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, vendorStatesTimeout)
	defer cancel()
	list, err := s.sync.States(ctx, r.TenantID, r.ConnectionID)
	if err != nil {
		s.log.Info("rule saved without checking vendor states", slog.String(logkey.Connection, r.ConnectionID), slog.Any(logkey.Error, err))
		return
	}
	type info struct{ settable, system bool }
	states := make(map[string]info, len(list))
	for _, st := range list {
		states[st.ID] = info{st.Settable, st.System}
	}
	for i, m := range r.Inbound {
		st, known := states[m.VendorState]
		if c := cat[m.Status]; c != nil && c.Kind == model.KindSystem && known && !st.system {
			fe.add(fmt.Sprintf("inbound[%d].status", i), "%q is system-managed: only a vendor's own system state can set it, and %q is not one", m.Status, m.VendorState)
		}
	}
	for i, m := range r.Outbound {
		if st, known := states[m.VendorState]; known && !st.settable {
			fe.add(fmt.Sprintf("outbound[%d].vendor_state", i), "the vendor does not let the hub set %q (system-managed or read-only)", m.VendorState)
		}
	}
}
