package vendorsync

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the sync framework's instruments on /metrics. Per-connection queued and dead-lettered
// counts are in the API's connection health (they are rows in the store, not process state).
type Metrics struct {
	writes   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inbound  *prometheus.CounterVec
	webhooks *prometheus.CounterVec
	drift    *prometheus.CounterVec
}

// NewMetrics registers the instruments on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "presencehub_vendor_writes_total", Help: "Outbox write attempts by vendor and result (delivered, retry, dead, waiting, dropped, stood_down).",
		}, []string{"vendor", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "presencehub_vendor_write_delay_seconds", Help: "From a change to its vendor write being confirmed.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 18),
		}, []string{"vendor"}),
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "presencehub_vendor_changes_total", Help: "Vendor-reported changes by vendor and outcome (applied, echo, unmapped, unknown_user, failed).",
		}, []string{"vendor", "outcome"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "presencehub_webhooks_total", Help: "Webhook deliveries by vendor and answer.",
		}, []string{"vendor", "answer"}),
		drift: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "presencehub_vendor_drift_repairs_total", Help: "Drift repairs by vendor and kind (rewrite, apply).",
		}, []string{"vendor", "kind"}),
	}
	if reg != nil {
		reg.MustRegister(m.writes, m.latency, m.inbound, m.webhooks, m.drift)
	}
	return m
}
