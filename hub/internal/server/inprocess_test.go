package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"presencehub.dev/hub/internal/clientip"
	"presencehub.dev/hub/internal/metrics"
	"presencehub.dev/hub/internal/server"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// tenantEcho answers GetTenant with the tenant it was asked for.
type tenantEcho struct {
	phv1.UnimplementedPresenceHubServiceServer
}

func (tenantEcho) GetTenant(_ context.Context, r *phv1.GetTenantRequest) (*phv1.GetTenantResponse, error) {
	return &phv1.GetTenantResponse{Tenant: &phv1.Tenant{Id: r.GetTenant(), Name: "echo of " + r.GetTenant()}}, nil
}

// seen is what the interceptors saw of one call.
type seen struct {
	mu    sync.Mutex
	order []string
	auth  []string
	addr  string
}

func (s *seen) interceptor(name string) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		s.mu.Lock()
		s.order = append(s.order, name+" "+info.FullMethod)
		s.auth = md.Get("authorization")
		s.addr = clientip.FromContext(ctx)
		s.mu.Unlock()
		return h(ctx, req)
	}
}

// serveInProcess starts a server whose REST gateway calls tenantEcho in process.
func serveInProcess(t *testing.T, maxRecv int, interceptors ...grpc.UnaryServerInterceptor) string {
	t.Helper()
	resolver := clientip.New(nil)
	interceptors = append([]grpc.UnaryServerInterceptor{resolver.UnaryInterceptor()}, interceptors...)
	srv, err := server.New(context.Background(), server.Options{
		Log: slog.New(slog.DiscardHandler), GRPC: grpc.NewServer(), ClientIP: resolver, Metrics: metrics.New(), Ready: alwaysReady{},
		Service: server.NewInProcess(&phv1.PresenceHubService_ServiceDesc, tenantEcho{}, maxRecv, interceptors...),
		Register: func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return phv1.RegisterPresenceHubServiceHandlerClient(ctx, mux, phv1.NewPresenceHubServiceClient(cc))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, url string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestGatewayCallsTheServiceInProcessThroughItsInterceptors(t *testing.T) {
	s := &seen{}
	url := serveInProcess(t, 1<<20, s.interceptor("outer"), s.interceptor("inner"))
	code, body := get(t, url+"/v1/tenants/acme", map[string]string{
		"Authorization": "Bearer k1",
		// a caller-set metadata header reaches the service neither as identity nor as its address
		"Grpc-Metadata-Authorization": "Bearer forged", "Grpc-Metadata-X-Presencehub-Client-Addr": "203.0.113.9",
	})
	if code != http.StatusOK {
		t.Fatalf("GET tenant: %d %s", code, body)
	}
	var got struct{ Tenant struct{ ID, Name string } }
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Tenant.ID != "acme" || got.Tenant.Name != "echo of acme" {
		t.Fatalf("answer %s (%v): want the service's answer for acme", body, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	method := phv1.PresenceHubService_GetTenant_FullMethodName
	if strings.Join(s.order, ", ") != "outer "+method+", inner "+method {
		t.Errorf("interceptors ran %q, want outer then inner, each once, with the full method name", s.order)
	}
	if len(s.auth) != 1 || s.auth[0] != "Bearer k1" {
		t.Errorf("the service saw authorization %q, want only the request's own header", s.auth)
	}
	if s.addr != "127.0.0.1" {
		t.Errorf("the service saw client address %q, want the REST caller's, 127.0.0.1", s.addr)
	}
}

func TestGatewayRefusesAMessageOverTheReceiveLimit(t *testing.T) {
	s := &seen{}
	url := serveInProcess(t, 40, s.interceptor("only"))
	if code, body := get(t, url+"/v1/tenants/"+strings.Repeat("x", 30), nil); code != http.StatusOK {
		t.Fatalf("a request under the limit: %d %s", code, body)
	}
	code, body := get(t, url+"/v1/tenants/"+strings.Repeat("x", 60), nil)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than max") {
		t.Fatalf("a request over the limit: %d %s, want 413 naming the limit", code, body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.order) != 1 {
		t.Errorf("the service was called %d times, want once (not for the request over the limit)", len(s.order))
	}
}

type alwaysReady struct{}

func (alwaysReady) Ping(context.Context) error { return nil }
