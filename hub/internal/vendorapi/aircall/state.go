package aircall

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"presencehub.dev/hub/internal/vendorapi"
)

// GetState reads the operational availability (GET /v1/users/{id}/availability) and reports in_call or
// after_call_work while they last; otherwise it reads the user's availability_status
// (GET /v1/users/{id}). Aircall gives no time of change, so UpdateTime is zero.
func (a *Adapter) GetState(ctx context.Context, externalID string) (vendorapi.AgentState, error) {
	path := "/v1/users/" + url.PathEscape(externalID)
	var op struct {
		Availability string `json:"availability"`
	}
	if err := a.client.Do(ctx, http.MethodGet, path+"/availability", nil, &op); err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading aircall availability: %w", userErr(err))
	}
	as := vendorapi.AgentState{ExternalID: externalID}
	if op.Availability == StateInCall || op.Availability == StateAfterCallWork {
		as.State = op.Availability
		return as, nil
	}
	var out struct {
		User userJSON `json:"user"`
	}
	if err := a.client.Do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return vendorapi.AgentState{}, fmt.Errorf("reading aircall user: %w", userErr(err))
	}
	if out.User.AvailabilityStatus == "" {
		return vendorapi.AgentState{}, fmt.Errorf("reading aircall user %s: answer has no availability_status", externalID)
	}
	as.State = out.User.AvailabilityStatus
	return as, nil
}

// SetState sets availability_status through PUT /v1/users/{id}. Only available, custom and
// unavailable can be set; anything else is ErrNotSettable before any request.
func (a *Adapter) SetState(ctx context.Context, externalID, state string) error {
	if !settable(state) {
		return fmt.Errorf("setting aircall availability to %q: %w", state, vendorapi.ErrNotSettable)
	}
	in := map[string]string{"availability_status": state}
	if err := a.client.Do(ctx, http.MethodPut, "/v1/users/"+url.PathEscape(externalID), in, nil); err != nil {
		return fmt.Errorf("setting aircall availability: %w", userErr(err))
	}
	return nil
}

// userErr marks a 404 about a user as ErrUnknownUser, keeping the HTTP error.
func userErr(err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", vendorapi.ErrUnknownUser, err)
	}
	return err
}
