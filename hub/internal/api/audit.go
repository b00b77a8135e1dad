package api

import (
	"context"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// ListAuditRecords lists the tenant's audit trail, oldest first.
func (s *Service) ListAuditRecords(ctx context.Context, req *phv1.ListAuditRecordsRequest) (*phv1.ListAuditRecordsResponse, error) {
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListAudit(ctx, tenantID(ctx), req.GetObjectId(), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListAuditRecordsResponse{NextPageToken: next}
	for _, r := range list {
		resp.AuditRecords = append(resp.AuditRecords, &phv1.AuditRecord{
			Id: r.ID, TenantId: r.TenantID, Actor: r.Actor, Action: r.Action,
			ObjectType: r.ObjectType, ObjectId: r.ObjectID, CreateTime: ts(r.CreateTime),
		})
	}
	return resp, nil
}
