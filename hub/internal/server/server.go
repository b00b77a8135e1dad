// Package server is the hub's network face: one listener serves gRPC, the REST gateway (grpc-gateway,
// which calls the same gRPC service in process, through the same interceptors), health and readiness probes, Prometheus metrics and the OpenAPI document.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"google.golang.org/grpc"

	"presencehub.dev/hub/internal/clientip"
	"presencehub.dev/hub/internal/metrics"
	"presencehub.dev/shared/logkey"
)

// Pinger is what readiness checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server serves every protocol of the hub on one port.
type Server struct {
	log  *slog.Logger
	grpc *grpc.Server
	http *http.Server
	tls  *tls.Config
}

// Options assemble a Server.
type Options struct {
	Log  *slog.Logger
	GRPC *grpc.Server // with every service registered
	// Service is the gRPC service in this process (NewInProcess), which the REST gateway calls.
	Service  grpc.ClientConnInterface
	Register RegisterFunc // registers the REST gateway handlers
	Ready    Pinger
	Metrics  *metrics.Registry
	TLS      *tls.Config // nil for plaintext (gRPC over unencrypted HTTP/2, prior knowledge)
	// Extra mounts more handlers (websockets, webhooks) on the HTTP mux.
	Extra map[string]http.Handler
	// ClientIP decides each request's client address (recorded in its context, passed to the service
	// by the gateway); nil trusts no proxy.
	ClientIP *clientip.Resolver
	// Limits bound requests and connections (timeouts, header and body sizes).
	Limits Limits
	// Console, when set, builds the web console mounted at /console from the REST API's handler (the
	// console acts only through that API).
	Console func(api http.Handler) (http.Handler, error)
}

// New builds the server; call Serve to run it.
func New(ctx context.Context, o Options) (*Server, error) {
	gw, err := newGateway(ctx, o.Service, o.Register)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mountOps(mux, o.Ready, o.Metrics, o.Log)
	mux.Handle("/v1/", gw)
	if o.Console != nil {
		ui, err := o.Console(gw)
		if err != nil {
			return nil, fmt.Errorf("building the console: %w", err)
		}
		mux.Handle("/console/", ui)
		mux.Handle("GET /console", http.RedirectHandler("/console/", http.StatusSeeOther))
	}
	for pattern, h := range o.Extra {
		mux.Handle(pattern, h)
	}
	lim := o.Limits.withDefaults()
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isGRPC(r) {
			o.GRPC.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
	s := &Server{log: o.Log, grpc: o.GRPC, tls: o.TLS}
	if o.ClientIP == nil {
		o.ClientIP = clientip.New(nil)
	}
	h := o.ClientIP.Middleware(limitBody(lim.MaxBodyBytes, root))
	s.http = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: lim.ReadTimeout,
		WriteTimeout: lim.WriteTimeout, IdleTimeout: lim.IdleTimeout, MaxHeaderBytes: lim.MaxHeaderBytes,
		TLSConfig: o.TLS, ErrorLog: slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn)}
	if o.TLS == nil {
		// gRPC and HTTP/1 on one plaintext port: net/http serves HTTP/2 with prior knowledge itself.
		s.http.Protocols = new(http.Protocols)
		s.http.Protocols.SetHTTP1(true)
		s.http.Protocols.SetUnencryptedHTTP2(true)
	}
	return s, nil
}

// Serve answers on ln until ctx ends, then stops gracefully within grace.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	if s.tls != nil {
		ln = tls.NewListener(ln, s.tls)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	s.log.Info("serving", slog.String(logkey.Addr, ln.Addr().String()))
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := s.http.Shutdown(shutdownCtx)
	stopped := make(chan struct{})
	go func() { s.grpc.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-shutdownCtx.Done():
		s.grpc.Stop()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}
