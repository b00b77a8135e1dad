package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// openStalled opens n supervisor streams that watch every team and then never read: the hub must keep
// everyone else's latency while their socket buffers fill (that it then cuts them off is tested in
// stream.TestSlowConsumerIsCutOffWithoutDelayingOthers).
func openStalled(ctx context.Context, cfg Config, f *Fleet, n int) ([]*websocket.Conn, error) {
	var out []*websocket.Conn
	for i := range n {
		tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(cfg.Sources[i%len(cfg.Sources)])}}).DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetReadBuffer(4096)
			}
			return c, err
		}}
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		ws, _, err := websocket.Dial(dctx, strings.Replace(cfg.HubURL, "http", "ws", 1)+"/v1/stream", &websocket.DialOptions{
			HTTPClient: &http.Client{Transport: tr}, Subprotocols: []string{"presencehub.v1"},
			HTTPHeader: http.Header{"Authorization": {"Bearer " + f.ViewerKey}},
		})
		if err != nil {
			cancel()
			return nil, fmt.Errorf("dialing a stalled supervisor: %w", err)
		}
		ws.SetReadLimit(1 << 22)
		_, _, err = ws.Read(dctx) // the snapshot
		cancel()
		if err != nil {
			return nil, fmt.Errorf("reading a stalled supervisor's snapshot: %w", err)
		}
		s := &stream{ws: ws}
		for _, team := range f.Teams {
			if err := subscribe(ctx, s, team); err != nil {
				return nil, err
			}
		}
		out = append(out, ws)
	}
	return out, nil
}

// flapCounts drives an abuser's flapping and counts the hub's answers.
type flapCounts struct {
	sent     atomic.Int64
	outcomes sync.Map // outcome or error code → *atomic.Int64
}

func (fc *flapCounts) drive(ctx context.Context, s *stream, rate int, d time.Duration) {
	t0 := time.Now()
	statuses := []string{"busy", "available"}
	for k := 0; time.Since(t0) < d && ctx.Err() == nil; k++ {
		time.Sleep(time.Until(t0.Add(time.Duration(k) * time.Second / time.Duration(rate))))
		req := &phv1.SetStatus{RequestId: fmt.Sprintf("flap-%d", k), Status: statuses[k%2]}
		if s.send(ctx, &phv1.ClientMessage{Kind: &phv1.ClientMessage_SetStatus{SetStatus: req}}) == nil {
			fc.sent.Add(1)
		}
	}
}

func (fc *flapCounts) answer(m *receipt) {
	key := ""
	switch {
	case m.Ack != nil:
		key = m.Ack.Outcome
	case m.Error != nil:
		key = "error_" + m.Error.Code
	default:
		return
	}
	v, _ := fc.outcomes.LoadOrStore(key, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// summary: what the abuser sent, how the hub answered, and how many of its changes reached supervisors.
func (fc *flapCounts) summary(delivered int) string {
	count := func(k string) int64 {
		if v, ok := fc.outcomes.Load(k); ok {
			return v.(*atomic.Int64).Load()
		}
		return 0
	}
	return fmt.Sprintf("flap_sent=%d flap_applied=%d flap_coalesced=%d flap_unchanged=%d flap_refused=%d flap_delivered_per_supervisor=%d",
		fc.sent.Load(), count("applied"), count("coalesced"), count("unchanged"), count("error_blocked")+count("error_invalid"), delivered)
}
