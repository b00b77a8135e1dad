package api

import (
	"context"
	"errors"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorsync"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// DryRunConnectorAction runs one action of a generic HTTP connector against the vendor and shows the
// request and the mapped result; the hub changes nothing (the call is audited: it reaches the vendor).
func (s *Service) DryRunConnectorAction(ctx context.Context, req *phv1.DryRunConnectorActionRequest) (*phv1.DryRunConnectorActionResponse, error) {
	if _, err := s.st.GetConnection(ctx, tenantID(ctx), req.GetConnectionId()); err != nil {
		return nil, err
	}
	fe := &fieldErrors{}
	if strings.TrimSpace(req.GetAction()) == "" {
		fe.add("action", "is required: list_users or the name of one of the connector's actions")
		return nil, fe
	}
	res, err := s.sync.DryRun(ctx, tenantID(ctx), req.GetConnectionId(), req.GetAction(), req.GetVariables())
	switch {
	case errors.Is(err, vendorapi.ErrUnknownAction):
		fe.add("action", "the connector has no action %q", req.GetAction())
		return nil, fe
	case errors.Is(err, vendorsync.ErrNoActions):
		return nil, &userError{msg: err.Error(), err: errConflictState}
	case errors.Is(err, vendorsync.ErrVendor):
		return nil, &userError{msg: err.Error(), err: vendorsync.ErrVendor} // the connector keeps credentials out of it
	case err != nil:
		return nil, err
	}
	noteObject(ctx, "connection", req.GetConnectionId())
	out := &phv1.DryRunConnectorActionResponse{Method: res.Method, Url: res.URL, Status: int32(res.Status), Body: res.Body, Error: res.Error,
		Count: res.Count, Total: res.Total, Next: res.Next}
	for _, u := range res.Users {
		out.Users = append(out.Users, &phv1.DryRunUser{ExternalId: u.ExternalID, Email: u.Email, Name: u.Name})
	}
	return out, nil
}
