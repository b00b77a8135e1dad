package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"presencehub.dev/hub/internal/api"
)

// RegisterFunc registers generated gateway handlers on mux, calling the service through cc.
type RegisterFunc func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error

// newGateway is the REST face: grpc-gateway calling the service in process (NewInProcess), through
// the gRPC server's interceptors (auth, tenant scope, audit, metrics).
func newGateway(ctx context.Context, cc grpc.ClientConnInterface, register RegisterFunc) (http.Handler, error) {
	json := &runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
	}
	mux := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, json),
		// Only Authorization (forwarded by the gateway itself) reaches the service: no caller-set
		// Grpc-Metadata-* header can pose as identity or tenant.
		runtime.WithIncomingHeaderMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithOutgoingHeaderMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithErrorHandler(writeError),
	)
	if err := register(ctx, mux, cc); err != nil {
		return nil, fmt.Errorf("registering gateway: %w", err)
	}
	return mux, nil
}

// writeError renders a gRPC status as JSON with the hub's HTTP status table.
func writeError(_ context.Context, _ *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, _ *http.Request, err error) {
	st := status.Convert(err)
	body, merr := m.Marshal(st.Proto())
	if merr != nil {
		http.Error(w, `{"code":13,"message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	code := api.HTTPStatus(st.Code())
	if messageTooLarge(st) {
		code = http.StatusRequestEntityTooLarge
	}
	w.Header().Set("Content-Type", "application/json")
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="presence-hub"`)
	}
	if after, ok := api.RetryAfter(st); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(after.Seconds()))))
	}
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
