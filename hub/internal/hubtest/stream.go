package hubtest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// StreamConn is a raw websocket client of /v1/stream for tests.
type StreamConn struct {
	WS      *websocket.Conn
	t       testing.TB
	pending []*phv1.ServerMessage // read while waiting for an answer; Next returns them first
	slow    *net.TCPConn          // DialSlow's socket, for Unthrottle
}

// Dial opens the stream with token as bearer; it fails the test unless the upgrade succeeds.
func (h *Hub) Dial(t testing.TB, token string) *StreamConn {
	t.Helper()
	c, resp, err := h.DialRaw(token, "")
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dialing stream: %v (HTTP %d)", err, status)
	}
	c.SetReadLimit(1 << 22)
	t.Cleanup(func() { c.CloseNow() })
	return &StreamConn{WS: c, t: t}
}

// DialSlow opens the stream over a socket with a tiny receive buffer, for slow-consumer tests.
func (h *Hub) DialSlow(t testing.TB, token string) *StreamConn {
	t.Helper()
	var raw *net.TCPConn
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(2048)
			raw = tc
		}
		return c, err
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	c, _, err := websocket.Dial(ctx, strings.Replace(h.URL, "http", "ws", 1)+"/v1/stream", &websocket.DialOptions{
		Subprotocols: []string{"presencehub.v1"}, HTTPHeader: hdr, HTTPClient: &http.Client{Transport: tr},
	})
	if err != nil {
		t.Fatalf("dialing stream: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return &StreamConn{WS: c, t: t, slow: raw}
}

// Unthrottle lets a client from DialSlow read at full speed again. The hub may have left megabytes in
// the kernel's buffers for it before cutting it off; through a 2 KB receive buffer they would take
// minutes to drain.
func (s *StreamConn) Unthrottle() {
	if s.slow != nil {
		_ = s.slow.SetReadBuffer(4 << 20)
	}
}

// DialRaw opens the stream and returns the raw outcome, for tests of refusals. query is appended to the URL.
func (h *Hub) DialRaw(token, query string) (*websocket.Conn, *http.Response, error) {
	hdr := http.Header{}
	if token != "" {
		hdr.Set("Authorization", "Bearer "+token)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return websocket.Dial(ctx, strings.Replace(h.URL, "http", "ws", 1)+"/v1/stream"+query, &websocket.DialOptions{
		Subprotocols: []string{"presencehub.v1"}, HTTPHeader: hdr,
	})
}

// Next reads the next server message, failing the test after timeout.
func (s *StreamConn) Next(timeout time.Duration) *phv1.ServerMessage {
	s.t.Helper()
	m, err := s.TryNext(timeout)
	if err != nil {
		s.t.Fatalf("reading stream: %v", err)
	}
	return m
}

// TryNext reads the next server message or returns the read error (e.g. the close status).
func (s *StreamConn) TryNext(timeout time.Duration) (*phv1.ServerMessage, error) {
	if len(s.pending) > 0 {
		m := s.pending[0]
		s.pending = s.pending[1:]
		return m, nil
	}
	return s.read(timeout)
}

func (s *StreamConn) read(timeout time.Duration) (*phv1.ServerMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, data, err := s.WS.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m phv1.ServerMessage
	if err := protojson.Unmarshal(data, &m); err != nil {
		s.t.Fatalf("decoding %s: %v", data, err)
	}
	return &m, nil
}

// Send writes a client message.
func (s *StreamConn) Send(m *phv1.ClientMessage) {
	s.t.Helper()
	data, err := protojson.Marshal(m)
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WS.Write(ctx, websocket.MessageText, data); err != nil {
		s.t.Fatalf("writing stream: %v", err)
	}
}

// SetStatus sends a SetStatus and returns the answer (Ack or StreamError); other messages read
// meanwhile stay queued for Next.
func (s *StreamConn) SetStatus(requestID, status string) *phv1.ServerMessage {
	s.t.Helper()
	s.Send(&phv1.ClientMessage{Kind: &phv1.ClientMessage_SetStatus{SetStatus: &phv1.SetStatus{RequestId: requestID, Status: status}}})
	for {
		m, err := s.read(5 * time.Second)
		if err != nil {
			s.t.Fatalf("waiting for answer %s: %v", requestID, err)
		}
		if m.GetAck().GetRequestId() == requestID || m.GetError().GetRequestId() == requestID {
			return m
		}
		s.pending = append(s.pending, m)
	}
}

// Pair creates a pairing code for agent with key and exchanges it; it returns the device token and id.
func (h *Hub) Pair(t testing.TB, key, tenant, agent string, supervisor bool) (token, deviceID string) {
	t.Helper()
	code := h.Must(t, http.StatusOK, key, "POST", "/v1/tenants/"+tenant+"/agents/"+agent+"/pairing-codes",
		map[string]any{"supervisor": supervisor})["pairing_code"].(map[string]any)["code"].(string)
	resp := h.Must(t, http.StatusOK, "", "POST", "/v1/pair", map[string]any{"code": code, "device_name": "test"})
	return resp["device_token"].(string), resp["device"].(map[string]any)["id"].(string)
}
