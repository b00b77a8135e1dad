package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// stream is one websocket to the hub with a reader that hands every message to onMsg.
type stream struct {
	ws *websocket.Conn
}

// dial opens a stream from source address src, reads its snapshot, then reads in the background
// (which also answers the hub's pings) until ctx ends.
func dial(ctx context.Context, hubURL, token, tenant, src string, onMsg func(*receipt, time.Time)) (*stream, error) {
	tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}).DialContext}
	u := strings.Replace(hubURL, "http", "ws", 1) + "/v1/stream"
	if tenant != "" {
		u += "?tenant=" + tenant
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, u, &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: tr}, Subprotocols: []string{"presencehub.v1"},
		HTTPHeader: http.Header{"Authorization": {"Bearer " + token}},
	})
	if err != nil {
		return nil, fmt.Errorf("dialing from %s: %w", src, err)
	}
	ws.SetReadLimit(1 << 20)
	if _, _, err := ws.Read(dctx); err != nil { // the snapshot
		ws.CloseNow()
		return nil, fmt.Errorf("reading snapshot: %w", err)
	}
	go func() {
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			if onMsg == nil {
				continue
			}
			now := time.Now()
			var r receipt
			if readReceipt(data, &r) {
				onMsg(&r, now)
			}
		}
	}()
	return &stream{ws: ws}, nil
}

func (s *stream) send(ctx context.Context, m *phv1.ClientMessage) error {
	data, err := protojson.Marshal(m)
	if err != nil {
		return err
	}
	return s.ws.Write(ctx, websocket.MessageText, data)
}

// openAll dials one stream per token, spread over the source addresses.
func openAll(ctx context.Context, cfg Config, tokens []string, onMsg func(int, *receipt, time.Time)) ([]*stream, error) {
	streams := make([]*stream, len(tokens))
	var opened atomic.Int64
	err := parallel(ctx, len(tokens), max(1, cfg.Workers), func(i int) error {
		var cb func(*receipt, time.Time)
		if onMsg != nil {
			cb = func(m *receipt, t time.Time) { onMsg(i, m, t) }
		}
		s, err := dial(ctx, cfg.HubURL, tokens[i], "", cfg.Sources[i%len(cfg.Sources)], cb)
		if err != nil {
			return err
		}
		streams[i] = s
		opened.Add(1)
		return nil
	})
	return streams, err
}

// Sources lists the loopback addresses 127.0.0.first .. 127.0.0.last.
func Sources(first, last int) []string {
	var out []string
	for i := first; i <= last; i++ {
		out = append(out, fmt.Sprintf("127.0.0.%d", i))
	}
	return out
}
