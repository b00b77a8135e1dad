package clientip

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// gatewayKey carries the REST caller's address from the gateway to the gRPC service over the in-memory
// connection. It is believed only from that connection: a direct gRPC caller setting it is ignored.
const gatewayKey = "x-presencehub-client-addr"

// inMemoryNetwork is the network of the gateway's in-memory connection (grpc's bufconn).
const inMemoryNetwork = "bufconn"

// GatewayInterceptor stamps the address recorded by Middleware on the gateway's calls to the service.
func GatewayInterceptor() grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		ctx = metadata.AppendToOutgoingContext(ctx, gatewayKey, FromContext(ctx))
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// UnaryInterceptor records the client address of every gRPC call: the REST caller's (set by the
// gateway) for calls over the in-memory connection, else the peer's, or the forwarded one when the peer
// is a trusted proxy.
func (r *Resolver) UnaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		return handler(WithAddr(ctx, r.FromGRPC(ctx)), req)
	}
}

// FromGRPC resolves the client address of an incoming gRPC call.
func (r *Resolver) FromGRPC(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return "unknown"
	}
	if p.Addr.Network() == inMemoryNetwork {
		if v := md.Get(gatewayKey); len(v) > 0 {
			return v[len(v)-1]
		}
		return "unknown"
	}
	return r.Resolve(p.Addr.String(), md.Get("forwarded"), md.Get("x-forwarded-for"))
}
