package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// restSender sends presence changes through the admin REST API with a key, each in its own request so
// a slow answer delays no later send (an open loop, as the stream sends are).
type restSender struct {
	c      *client
	tenant string
	sent   atomic.Int64 // answered 200
	failed atomic.Int64
	first  atomic.Pointer[error]
	wg     sync.WaitGroup
}

func newRESTSender(hubURL, key, tenant string) *restSender {
	return &restSender{
		c:      &client{url: hubURL, key: key, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}},
		tenant: tenant,
	}
}

// send changes agent's status; a failure once ctx has ended is not counted.
func (r *restSender) send(ctx context.Context, agent, status string) {
	r.wg.Go(func() {
		err := r.c.do(ctx, "PUT", "/v1/tenants/"+r.tenant+"/agents/"+agent+"/presence", map[string]any{"status": status}, nil)
		switch {
		case err == nil:
			r.sent.Add(1)
		case ctx.Err() == nil:
			r.failed.Add(1)
			r.first.CompareAndSwap(nil, &err)
		}
	})
}

// err waits for the requests still out and reports how many failed, with the first failure.
func (r *restSender) err() error {
	r.wg.Wait()
	if n := r.failed.Load(); n > 0 {
		return fmt.Errorf("%d REST presence changes failed, first: %w", n, *r.first.Load())
	}
	return nil
}
