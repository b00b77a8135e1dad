package api

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// tenantScoped is implemented by every request that names a tenant.
type tenantScoped interface{ GetTenant() string }

// hubWideMethods need a hub-wide key whatever their arguments.
var hubWideMethods = map[string]bool{"CreateTenant": true, "DeleteTenant": true}

// apiKeyMethods are hub-wide when called without a tenant.
var apiKeyMethods = map[string]bool{"CreateApiKey": true, "GetApiKey": true, "ListApiKeys": true, "DeleteApiKey": true}

type (
	tenantCtxKey struct{}
	deviceCtxKey struct{}
)

// deviceFrom is the device calling SignOut.
func deviceFrom(ctx context.Context) *model.Device {
	d, _ := ctx.Value(deviceCtxKey{}).(*model.Device)
	return d
}

// tenantID is the resolved tenant of the current request ("" when it names none).
func tenantID(ctx context.Context) string {
	id, _ := ctx.Value(tenantCtxKey{}).(string)
	return id
}

// UnaryInterceptor authenticates every call, enforces roles and tenant scope, maps errors through the
// error table and writes an audit record for every successful mutating call. The REST gateway goes
// through it too, so both protocols share one set of rules.
func (s *Service) UnaryInterceptor(authn *auth.Authenticator) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		method := info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]
		ctx, err := s.authorize(ctx, authn, method, req)
		if err == nil {
			err = checkUpdateMask(req)
		}
		if err != nil {
			return nil, toStatus(ctx, s.log, method, err)
		}
		note := &auditNote{}
		resp, err := handler(context.WithValue(ctx, auditNoteKey{}, note), req)
		if err != nil {
			return nil, toStatus(ctx, s.log, method, err)
		}
		if isMutation(method) {
			// Caches follow the store's typed change events (store.OnChange), not method names.
			s.recordAudit(ctx, method, note)
		}
		return resp, nil
	}
}

func isMutation(method string) bool {
	return !strings.HasPrefix(method, "Get") && !strings.HasPrefix(method, "List")
}

// authorize resolves the caller and the tenant the request names, and checks the caller may act there.
// A tenant-scoped key asking about another tenant gets NotFound, exactly as for a tenant that does not
// exist, so keys learn nothing about other tenants.
func (s *Service) authorize(ctx context.Context, authn *auth.Authenticator, method string, req any) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	header := ""
	if v := md.Get("authorization"); len(v) > 0 {
		header = v[0]
	}
	switch method {
	case "Pair": // public: the code is the credential, and failures are rate-limited
		return ctx, nil
	case "SignOut": // the device's own token
		d, err := auth.AuthenticateDevice(ctx, s.st, header)
		if err != nil {
			return ctx, err
		}
		return context.WithValue(context.WithValue(ctx, deviceCtxKey{}, d), tenantCtxKey{}, d.TenantID), nil
	case "ListTimeline": // an API key, or a device token for its own agent ("Recent changes" in the tray)
		if tok, ok := auth.BearerToken(header); ok && strings.HasPrefix(tok, auth.DeviceTokenPrefix) {
			return s.authorizeOwnTimeline(ctx, header, req)
		}
	}
	p, err := authn.Authenticate(ctx, header)
	if err != nil {
		return ctx, err
	}
	ctx = auth.WithPrincipal(ctx, p)
	if isMutation(method) && !p.CanWrite() {
		return ctx, errForbidden
	}
	var tenantRef string
	if ts, ok := req.(tenantScoped); ok {
		tenantRef = ts.GetTenant()
	}
	if hubWideMethods[method] || (apiKeyMethods[method] && tenantRef == "") {
		if !p.HubWide() {
			return ctx, errHubWideOnly
		}
	}
	if tenantRef == "" {
		if _, scoped := req.(tenantScoped); scoped && !apiKeyMethods[method] {
			return ctx, status.Error(codes.InvalidArgument, "tenant is required")
		}
		return ctx, nil
	}
	t, err := s.resolveTenant(ctx, tenantRef)
	if err != nil {
		return ctx, err
	}
	if !p.HubWide() && p.TenantID != t.ID {
		return ctx, notFound("tenant")
	}
	return context.WithValue(ctx, tenantCtxKey{}, t.ID), nil
}

// resolveTenant finds a tenant by id or by name.
func (s *Service) resolveTenant(ctx context.Context, ref string) (*model.Tenant, error) {
	var t *model.Tenant
	var err error
	if ids.HasPrefix(ref, ids.Tenant) {
		t, err = s.st.GetTenant(ctx, ref)
	} else {
		t, err = s.st.GetTenantByName(ctx, ref)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("tenant")
	}
	return t, err
}

// auditNote is filled by a mutating handler with the object it touched.
type auditNote struct {
	tenantID   string
	objectType string
	objectID   string
	also       []string // further actions on the same object, each its own record
}

// actionEndpointChanged is audited when a connection's base URL moves to another scheme, host or port.
const actionEndpointChanged = "ChangeConnectionEndpoint"

// noteAlso records a further action of the current call on its object (e.g. a connection's endpoint
// changed along with its credentials).
func noteAlso(ctx context.Context, action string) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		n.also = append(n.also, action)
	}
}

type auditNoteKey struct{}

// noteObject tells the audit trail which object the current call changed.
func noteObject(ctx context.Context, objectType, objectID string) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		n.objectType, n.objectID = objectType, objectID
	}
}

// noteTenant sets the tenant of the audit record for calls that do not name one (CreateTenant).
func noteTenant(ctx context.Context, id string) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		n.tenantID = id
	}
}

func (s *Service) recordAudit(ctx context.Context, method string, note *auditNote) {
	tenant := tenantID(ctx)
	if note.tenantID != "" {
		tenant = note.tenantID
	}
	actor := "device:" + note.objectID // Pair: the new device acts for itself
	if p := auth.FromContext(ctx); p != nil {
		actor = p.Actor()
	} else if d := deviceFrom(ctx); d != nil {
		actor = "device:" + d.ID
	}
	for _, action := range append([]string{method}, note.also...) {
		rec := &model.AuditRecord{
			ID: ids.New(ids.Audit), TenantID: tenant, Actor: actor,
			Action: action, ObjectType: note.objectType, ObjectID: note.objectID,
		}
		if err := s.st.AppendAudit(ctx, rec); err != nil {
			s.log.ErrorContext(ctx, "writing audit record", slog.String(logkey.Method, action), slog.Any(logkey.Error, err))
		}
	}
}
