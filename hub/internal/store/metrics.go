package store

import (
	"github.com/prometheus/client_golang/prometheus"
)

// storeMetrics are the store's instruments on /metrics: how long writes wait for the write lock, how
// many gave up (ErrBusy), and how often callers waited for a pooled connection.
type storeMetrics struct {
	writeWait prometheus.Histogram
	busy      prometheus.Counter
}

func newStoreMetrics() *storeMetrics {
	return &storeMetrics{
		writeWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "presencehub_store_write_wait_seconds",
			Help: "SQLite: how long each write waited for its turn at the write lock (writes take turns in arrival order).",
			// 0.1 ms to ~6.5 s
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 17),
		}),
		busy: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "presencehub_store_busy_total",
			Help: "Writes refused because the database stayed locked past the bound (answered 503 with Retry-After).",
		}),
	}
}

// RegisterMetrics adds the store's instruments to reg: the write-lock waits and refusals, and the
// connection pool's waits (database/sql's counters).
func (s *DB) RegisterMetrics(reg prometheus.Registerer) {
	reg.MustRegister(s.metrics.writeWait, s.metrics.busy,
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "presencehub_store_conn_waits_total", Help: "Times a query waited for a free pooled database connection.",
		}, func() float64 { return float64(s.db.Stats().WaitCount) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "presencehub_store_conn_wait_seconds_total", Help: "Total time queries waited for a free pooled database connection.",
		}, func() float64 { return s.db.Stats().WaitDuration.Seconds() }),
	)
}
