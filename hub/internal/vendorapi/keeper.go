package vendorapi

import (
	"context"
	"net/url"
)

// Keeper is implemented by adapters whose writes lapse on the vendor's side unless renewed
// (Microsoft Teams' application presence sessions). The sync framework asks, every few minutes
// and for every linked user, what the hub wants to stand there, and calls Keep when KeepDue says
// so. state is the vendor state the hub last delivered there and still wants (the rule writes it
// for the hub's current status); "" means the rule writes nothing there for the hub's status now,
// so what the hub put there should go. The framework does not ask about a user whose status came
// from this very connection (the person's own pick there stands), nor while a write to that user
// is pending.
type Keeper interface {
	// KeepDue reports, without a request, whether Keep has anything to do for the user.
	KeepDue(externalID, state string) bool
	// Keep renews state for the user, or removes what the hub put there when state is "".
	Keep(ctx context.Context, externalID, state string) error
}

// WebhookHandshake is implemented by adapters of vendors that check the webhook endpoint before
// delivering to it (Microsoft Graph's validationToken): when Handshake answers ok, the hub replies
// 200 text/plain with answer and applies nothing.
type WebhookHandshake interface {
	Handshake(query url.Values) (answer string, ok bool)
}
