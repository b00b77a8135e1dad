// Package api implements the hub's admin service: gRPC handlers that grpc-gateway also serves as REST.
// Handlers convert between proto messages and model types, validate input (go-playground/validator),
// check references inside the tenant and call the store. Authentication, roles, tenant scope, error
// mapping and audit happen once, in UnaryInterceptor.
package api

import (
	"log/slog"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"presencehub.dev/hub/internal/agentsync"
	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/protoconv"
	"presencehub.dev/hub/internal/ratelimit"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorsync"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Service implements phv1.PresenceHubServiceServer.
type Service struct {
	phv1.UnimplementedPresenceHubServiceServer
	st         store.Store
	sealer     *seal.Sealer
	engine     *presence.Engine
	sync       *vendorsync.Manager
	agentSync  *agentsync.Service
	bus        bus.Bus
	log        *slog.Logger
	pairByAddr *ratelimit.Keyed
	pairByCode *ratelimit.Keyed
	now        func() time.Time
}

// Deps are the Service's collaborators.
type Deps struct {
	Store  store.Store
	Sealer *seal.Sealer // seals connection credentials
	Engine *presence.Engine
	Sync   *vendorsync.Manager
	// AgentSync runs agent sync (POST .../sync-runs).
	AgentSync *agentsync.Service
	Bus       bus.Bus
	Log       *slog.Logger
}

// New returns the admin service.
func New(d Deps) *Service {
	return &Service{
		st: d.Store, sealer: d.Sealer, engine: d.Engine, sync: d.Sync, agentSync: d.AgentSync, bus: d.Bus, log: d.Log,
		// Failed pairings: 10 per address, then one every 6 s; 5 per code, then one a minute.
		pairByAddr: ratelimit.NewKeyed(6*time.Second, 10),
		pairByCode: ratelimit.NewKeyed(time.Minute, 5),
		now:        func() time.Time { return time.Now().UTC() },
	}
}

// pager is implemented by every List request.
type pager interface {
	GetPageSize() int32
	GetPageToken() string
}

// page turns a request's paging fields into a store.Page.
func page(req pager) (store.Page, error) {
	if req.GetPageSize() < 0 {
		fe := &fieldErrors{}
		fe.add("page_size", "must not be negative")
		return store.Page{}, fe
	}
	return store.Page{Size: int(req.GetPageSize()), Token: req.GetPageToken()}, nil
}

// ts converts a time to a proto timestamp; the zero time becomes unset.
func ts(t time.Time) *timestamppb.Timestamp { return protoconv.Timestamp(t) }

// fieldMask is the set of fields an update names: top-level field -> named sub-fields ("" = all of it).
// A nil mask means "replace everything". PATCH bodies get their mask from grpc-gateway (the fields
// present in the body).
type fieldMask map[string][]string

func maskPaths(paths []string) fieldMask {
	if len(paths) == 0 {
		return nil
	}
	out := fieldMask{}
	for _, p := range paths {
		top, sub, _ := strings.Cut(p, ".")
		out[top] = append(out[top], sub)
	}
	return out
}

// wants reports whether an update touches field.
func wants(mask fieldMask, field string) bool {
	if mask == nil {
		return true
	}
	_, ok := mask[field]
	return ok
}

// wantsSub reports whether an update touches field.sub.
func wantsSub(mask fieldMask, field, sub string) bool {
	if mask == nil {
		return true
	}
	subs, ok := mask[field]
	return ok && (slices.Contains(subs, "") || slices.Contains(subs, sub))
}
