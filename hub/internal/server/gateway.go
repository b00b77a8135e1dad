package server

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"

	"presencehub.dev/hub/internal/api"
	"presencehub.dev/hub/internal/clientip"
)

// RegisterFunc registers generated gateway handlers on mux, calling the service through conn.
type RegisterFunc func(ctx context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn) error

// gateway is the REST face: grpc-gateway over an in-memory connection to the same gRPC server, so
// REST calls pass through the gRPC interceptors (auth, tenant scope, audit, metrics).
type gateway struct {
	http.Handler
	lis  *bufconn.Listener
	conn *grpc.ClientConn
}

func newGateway(ctx context.Context, srv *grpc.Server, register RegisterFunc) (*gateway, error) {
	lis := bufconn.Listen(1 << 20)
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///in-memory",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUnaryInterceptor(clientip.GatewayInterceptor()))
	if err != nil {
		return nil, fmt.Errorf("dialing in-memory gRPC: %w", err)
	}
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
	if err := register(ctx, mux, conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("registering gateway: %w", err)
	}
	return &gateway{Handler: mux, lis: lis, conn: conn}, nil
}

func (g *gateway) close() {
	g.conn.Close()
	g.lis.Close()
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
