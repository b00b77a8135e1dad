package api

import (
	"context"

	"presencehub.dev/hub/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// CreateSyncRun starts a run of the connection's agent sync now.
func (s *Service) CreateSyncRun(ctx context.Context, req *phv1.CreateSyncRunRequest) (*phv1.CreateSyncRunResponse, error) {
	r, err := s.agentSync.Start(ctx, tenantID(ctx), req.GetConnectionId(), model.SyncTriggerManual)
	if err != nil {
		return nil, err
	}
	noteObject(ctx, "sync_run", r.ID)
	return &phv1.CreateSyncRunResponse{SyncRun: syncRunProto(r)}, nil
}

// GetSyncRun reads a run: its progress while it runs, its report once it ended.
func (s *Service) GetSyncRun(ctx context.Context, req *phv1.GetSyncRunRequest) (*phv1.GetSyncRunResponse, error) {
	r, err := s.st.GetSyncRun(ctx, tenantID(ctx), req.GetSyncRunId())
	if err != nil {
		return nil, err
	}
	if r.ConnectionID != req.GetConnectionId() {
		return nil, notFound("sync run")
	}
	return &phv1.GetSyncRunResponse{SyncRun: syncRunProto(r)}, nil
}

// ListSyncRuns lists a connection's runs, newest first.
func (s *Service) ListSyncRuns(ctx context.Context, req *phv1.ListSyncRunsRequest) (*phv1.ListSyncRunsResponse, error) {
	if _, err := s.st.GetConnection(ctx, tenantID(ctx), req.GetConnectionId()); err != nil {
		return nil, err
	}
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListSyncRuns(ctx, tenantID(ctx), req.GetConnectionId(), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListSyncRunsResponse{NextPageToken: next}
	for _, r := range list {
		resp.SyncRuns = append(resp.SyncRuns, syncRunProto(r))
	}
	return resp, nil
}

func syncRunProto(r *model.SyncRun) *phv1.SyncRun {
	rep := r.Report
	out := &phv1.SyncRun{
		Id: r.ID, ConnectionId: r.ConnectionID, Trigger: r.Trigger, State: r.State, Pages: r.Pages, Restarts: r.Restarts,
		Error: r.Error, CreateTime: ts(r.CreateTime), UpdateTime: ts(r.UpdateTime), EndTime: ts(r.EndTime),
		Report: &phv1.SyncReport{
			Users: rep.Users, Matched: rep.Matched, Unchanged: rep.Unchanged, Linked: rep.Linked, Relinked: rep.Relinked,
			Pinned: rep.Pinned, Created: rep.Created, UnmatchedVendor: rep.UnmatchedVendor, UnmatchedHub: rep.UnmatchedHub,
			Conflicts: rep.Conflicts, Errors: rep.Errors, ErrorDetails: rep.ErrorDetails,
		},
	}
	for _, c := range rep.ConflictDetails {
		out.Report.ConflictDetails = append(out.Report.ConflictDetails, &phv1.SyncConflict{
			Kind: c.Kind, Email: c.Email, ExternalId: c.ExternalID, AgentId: c.AgentID, OtherExternalId: c.OtherExternalID, OtherAgentId: c.OtherAgentID,
		})
	}
	return out
}
