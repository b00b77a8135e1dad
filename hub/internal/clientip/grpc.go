package clientip

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// inProcessAddr is the peer of the REST gateway's calls, made in this process (server.NewInProcess):
// no network connection carries them, so no remote caller can be this peer.
type inProcessAddr struct{}

func (inProcessAddr) Network() string { return "in-process" }
func (inProcessAddr) String() string  { return "in-process" }

// InProcess marks a call the REST gateway makes in this process: its peer is the gateway, and its
// client address the REST caller's, recorded by Middleware.
func InProcess(ctx context.Context) context.Context {
	return peer.NewContext(ctx, &peer.Peer{Addr: inProcessAddr{}, LocalAddr: inProcessAddr{}})
}

// UnaryInterceptor records the client address of every gRPC call: the REST caller's for the gateway's
// calls made in process, else the peer's, or the forwarded one when the peer is a trusted proxy.
func (r *Resolver) UnaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		return handler(WithAddr(ctx, r.FromGRPC(ctx)), req)
	}
}

// FromGRPC resolves the client address of an incoming gRPC call.
func (r *Resolver) FromGRPC(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return "unknown"
	}
	if _, inProcess := p.Addr.(inProcessAddr); inProcess {
		return FromContext(ctx) // the REST caller's, recorded by Middleware on this same context
	}
	md, _ := metadata.FromIncomingContext(ctx)
	return r.Resolve(p.Addr.String(), md.Get("forwarded"), md.Get("x-forwarded-for"))
}
