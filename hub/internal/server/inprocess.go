package server

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"presencehub.dev/hub/internal/clientip"
)

// inProcess is the REST gateway's connection to the service: it calls the service's methods in this
// process, through the same interceptors as the gRPC server (client address, metrics, auth, tenant
// scope, errors, audit) and with the same receive limit, without encoding the messages or crossing
// a connection (grpc-gateway's RegisterXHandlerServer would skip the interceptors).
type inProcess struct {
	impl      any
	methods   map[string]grpc.MethodHandler // by full method name
	intercept grpc.UnaryServerInterceptor
	maxRecv   int
}

// NewInProcess serves desc's unary methods from impl to callers in the same process. interceptors
// are applied in order, the first outermost, as grpc.ChainUnaryInterceptor does.
func NewInProcess(desc *grpc.ServiceDesc, impl any, maxRecv int, interceptors ...grpc.UnaryServerInterceptor) grpc.ClientConnInterface {
	p := &inProcess{impl: impl, methods: map[string]grpc.MethodHandler{}, intercept: chainUnary(interceptors), maxRecv: maxRecv}
	for _, m := range desc.Methods {
		p.methods["/"+desc.ServiceName+"/"+m.MethodName] = m.Handler
	}
	return p
}

// Invoke calls method with args and copies its answer into reply. The caller's outgoing metadata
// (the gateway forwards Authorization) becomes the call's incoming metadata.
func (p *inProcess) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) error {
	h, ok := p.methods[method]
	if !ok {
		return status.Errorf(codes.Unimplemented, "unknown method %s", method)
	}
	in, ok := args.(proto.Message)
	if !ok {
		return status.Errorf(codes.Internal, "%s: arguments are not a protobuf message", method)
	}
	if n := proto.Size(in); n > p.maxRecv {
		// The gRPC server's own words for it, which the error handler turns into a 413.
		return status.Errorf(codes.ResourceExhausted, "grpc: received message larger than max (%d vs. %d)", n, p.maxRecv)
	}
	md, _ := metadata.FromOutgoingContext(ctx)
	ctx = clientip.InProcess(metadata.NewIncomingContext(metadata.NewOutgoingContext(ctx, nil), md))
	resp, err := h(p.impl, ctx, func(dst any) error {
		proto.Merge(dst.(proto.Message), in)
		return nil
	}, p.intercept)
	if err != nil {
		return err
	}
	out, ok := resp.(proto.Message)
	if !ok {
		return status.Errorf(codes.Internal, "%s: answer is not a protobuf message", method)
	}
	proto.Merge(reply.(proto.Message), out)
	return nil
}

// NewStream: the service has no streaming methods; the stream is the websocket.
func (p *inProcess) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "streaming calls are not served in process")
}

// chainUnary composes interceptors, the first outermost.
func chainUnary(ics []grpc.UnaryServerInterceptor) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		next := handler
		for i := len(ics) - 1; i >= 0; i-- {
			ic, h := ics[i], next
			next = func(ctx context.Context, req any) (any, error) { return ic(ctx, req, info, h) }
		}
		return next(ctx, req)
	}
}
