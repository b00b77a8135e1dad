package vendorsync

import (
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/vendorapi"
)

// driftFacts is what drift repair knows about one agent on one connection whose rule writes the hub's
// current status there.
type driftFacts struct {
	// vendor is the user's state read back now (UpdateTime zero when the vendor does not say).
	vendor vendorapi.AgentState
	// want is the state the rule writes for the hub's status.
	want string
	// inStep: the rule maps the vendor's state inbound to the hub's status (several states may share one).
	inStep bool
	// fromHere: the hub's status came from this connection (the vendor is where it was chosen).
	fromHere bool
	// system: the vendor's state is one it sets itself while something lasts (a call, wrap-up, an
	// unanswered alert; vendorapi.State.System).
	system bool
	// last is the newest write delivered to this user (nil: the hub never delivered anything there).
	last *model.OutboxWrite
}

// judgeDrift decides whether drift repair rewrites a vendor, and says why (docs/sync.md, "Drift
// repair"). Only a vendor that lost or never applied what the hub delivered is rewritten: the hub
// delivered the state it wants there now, and the vendor shows another one that its own modified-at
// proves is not newer than that delivery. A vendor that gives no modified-at (Aircall, ServiceNow)
// cannot prove it: a person may have picked that state after our write (even one the hub wrote there
// before) and its notification may have been lost, so it is left alone. A state changed after our
// write is a person's (or the vendor's) choice and stands; if the rule maps it, it reached the hub
// through webhooks or polls. A system state (a call, wrap-up, an unanswered alert) is the vendor's own
// doing while it lasts: it shows over what the hub wrote (Genesys keeps an interaction's routing status
// and its start over a presence written during it), so it proves no loss, and a write can end it
// (a Genesys presence ends NOT_RESPONDING).
func judgeDrift(f driftFacts) (rewrite bool, why string) {
	switch {
	case f.vendor.State == f.want || f.inStep:
		return false, "in step"
	case f.system:
		return false, "the vendor shows a state it sets itself while something lasts (a call, wrap-up, an unanswered alert)"
	case f.fromHere:
		return false, "the hub's status came from this vendor"
	case f.last == nil:
		return false, "the hub never delivered a state to this user"
	case f.last.VendorState != f.want:
		return false, "the hub's current status was not delivered here (failed, dropped or superseded): the outbox owns it"
	case !f.vendor.UpdateTime.IsZero() && f.vendor.UpdateTime.Add(presence.StampGrace).After(f.last.UpdateTime):
		// Within StampGrace the two cannot be ordered (vendors truncate their stamps): the person's wins.
		return false, "changed in the vendor after the hub's write, or too close to it to tell"
	case !f.vendor.UpdateTime.IsZero():
		return true, "the vendor's state is older than the hub's write: it lost or never applied it"
	default:
		return false, "the vendor does not say when it changed: a person may have chosen it after the hub's write"
	}
}
