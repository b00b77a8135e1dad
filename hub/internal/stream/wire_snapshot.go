package stream

import (
	"strconv"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// The snapshot every stream starts with is encoded here too: through protojson it was a tenth of a
// first connect's CPU (docs/PERFORMANCE.md). Same mapping and same fallback as wire.go.

func appendSnapshot(b []byte, s *phv1.Snapshot) ([]byte, bool) {
	o := object{b: append(b, '{'), ok: true}
	if p := s.GetPresence(); p != nil {
		o.key("presence")
		o.presence(p)
	}
	array(&o, "settableStatuses", s.GetSettableStatuses(), (*object).status)
	array(&o, "vendors", s.GetVendors(), (*object).vendorState)
	o.str("tenantId", s.GetTenantId())
	o.str("agentId", s.GetAgentId())
	o.str("deviceId", s.GetDeviceId())
	if s.GetSupervisor() {
		o.key("supervisor")
		o.b = append(o.b, "true"...)
	}
	o.str("blockedReason", s.GetBlockedReason())
	return append(o.b, '}'), o.ok
}

// array writes a repeated field (left out when empty), each element by elem.
func array[T any](o *object, name string, items []T, elem func(*object, T)) {
	if len(items) == 0 {
		return
	}
	o.key(name)
	o.b = append(o.b, '[')
	for i, it := range items {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		elem(o, it)
	}
	o.b = append(o.b, ']')
}

// status writes a catalog status as an element of an array (no key before it).
func (o *object) status(st *phv1.Status) {
	in := object{b: append(o.b, '{'), ok: o.ok}
	in.str("id", st.GetId())
	in.str("name", st.GetName())
	in.str("displayName", st.GetDisplayName())
	in.str("kind", st.GetKind())
	in.str("color", st.GetColor())
	if st.AgentSettable != nil { // optional: present even when false
		in.key("agentSettable")
		in.b = strconv.AppendBool(in.b, st.GetAgentSettable())
	}
	if v := st.GetOrder(); v != 0 { // int32 is a JSON number
		in.key("order")
		in.b = strconv.AppendInt(in.b, int64(v), 10)
	}
	in.time("createTime", st.GetCreateTime())
	in.time("updateTime", st.GetUpdateTime())
	in.str("systemRole", st.GetSystemRole())
	o.b, o.ok = append(in.b, '}'), in.ok
}

// vendorState writes one connected system's line as an element of an array.
func (o *object) vendorState(v *phv1.VendorState) {
	in := object{b: append(o.b, '{'), ok: o.ok}
	in.str("connectionId", v.GetConnectionId())
	in.str("connectionName", v.GetConnectionName())
	in.str("vendor", v.GetVendor())
	in.str("sync", v.GetSync())
	in.str("vendorState", v.GetVendorState())
	in.str("detail", v.GetDetail())
	in.str("vendorStateName", v.GetVendorStateName())
	o.b, o.ok = append(in.b, '}'), in.ok
}
