// Package metrics defines the hub's Prometheus registry and the instruments shared across packages.
package metrics

import (
	"context"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// Registry holds every metric the hub exports on /metrics.
type Registry struct {
	*prometheus.Registry
	rpcs        *prometheus.CounterVec
	rpcDuration *prometheus.HistogramVec
}

// New returns a registry with Go runtime, process and RPC metrics.
func New() *Registry {
	r := &Registry{
		Registry: prometheus.NewRegistry(),
		rpcs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "presencehub_rpc_requests_total", Help: "Admin API calls (gRPC and REST) by method and result code.",
		}, []string{"method", "code"}),
		rpcDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "presencehub_rpc_duration_seconds", Help: "Admin API call latency by method.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"method"}),
	}
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), r.rpcs, r.rpcDuration)
	return r
}

// UnaryInterceptor counts and times every call.
func (r *Registry) UnaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := handler(ctx, req)
		method := info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]
		r.rpcs.WithLabelValues(method, status.Code(err).String()).Inc()
		r.rpcDuration.WithLabelValues(method).Observe(time.Since(start).Seconds())
		return resp, err
	}
}

// Replica exports which replica this is and whether it leads (runs the outbox, drift repair, polling and
// the agent sync schedule): presencehub_replica_leader{replica="…"} is 1 on the leader, 0 elsewhere.
func (r *Registry) Replica(id string, leading func() bool) {
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "presencehub_replica_leader", Help: "1 when this replica runs the hub's background work (the leader), else 0.",
		ConstLabels: prometheus.Labels{"replica": id},
	}, func() float64 {
		if leading() {
			return 1
		}
		return 0
	}))
}
