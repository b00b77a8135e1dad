package stream

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/shared/testwait"
)

const patience = testwait.Default

// fakeClock is a Clock whose single ticker ticks when the test says so. The channel is unbuffered
// and the wheel handles a tick completely before taking the next, so once tick returns, every
// earlier tick has been handled.
type fakeClock struct {
	ch    chan time.Time
	ticks int
}

func newFakeClock() *fakeClock { return &fakeClock{ch: make(chan time.Time)} }

func (f *fakeClock) NewTicker(time.Duration) Ticker { return f }
func (f *fakeClock) C() <-chan time.Time            { return f.ch }
func (f *fakeClock) Stop()                          {}

// tickTo ticks until n ticks have been sent in all.
func (f *fakeClock) tickTo(t *testing.T, n int) {
	t.Helper()
	for ; f.ticks < n; f.ticks++ {
		select {
		case f.ch <- time.Time{}:
		case <-time.After(patience):
			t.Fatalf("the wheel stopped taking ticks at tick %d", f.ticks)
		}
	}
}

// streamServer is a stream Server on a fake clock, without store or engine: its clients are
// supervisors, whose snapshot needs neither.
type streamServer struct {
	s     *Server
	clock *fakeClock
	url   string
	conns chan *conn // each connection once its snapshot is out
	stop  func()     // stops the hub
}

func startStreamServer(t testing.TB) *streamServer { return startStreamServerWith(t, nil) }

// startStreamServerWith lets tune change the Server before its first connection.
func startStreamServerWith(t testing.TB, tune func(*Server)) *streamServer {
	t.Helper()
	ss := &streamServer{clock: newFakeClock(), conns: make(chan *conn, 8)}
	ctx, cancel := context.WithCancel(t.Context())
	ss.stop = cancel
	ss.s = New(ctx, nil, nil, nil, bus.NewLocal(), slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Minute, Clock: ss.clock})
	if tune != nil {
		tune(ss.s)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sb := smallBuffers{ResponseWriter: w, out: &sockWriter{}, in: &rawSocket{}}
		ws, err := websocket.Accept(sb, r, &websocket.AcceptOptions{Subprotocols: []string{Subprotocol}})
		if err != nil {
			return
		}
		if c := newConn(ss.s, ws, &principal{tenantID: "tn_test", supervisor: true, name: "test"}, sb); c.start() {
			ss.conns <- c
			c.run()
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(cancel)
	ss.url = strings.Replace(srv.URL, "http", "ws", 1)
	return ss
}

// dial connects, reads the snapshot and returns the client and the server's side of the stream.
func (ss *streamServer) dial(t testing.TB, opts *websocket.DialOptions) (*websocket.Conn, *conn) {
	t.Helper()
	if opts == nil {
		opts = &websocket.DialOptions{}
	}
	opts.Subprotocols = []string{Subprotocol}
	ws, _, err := websocket.Dial(t.Context(), ss.url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	if _, data, err := ws.Read(t.Context()); err != nil || !strings.Contains(string(data), `"snapshot"`) {
		t.Fatalf("first message %s, %v: want the snapshot", data, err)
	}
	select {
	case c := <-ss.conns:
		return ws, c
	case <-time.After(patience):
		t.Fatal("the server never finished the handshake")
		return nil, nil
	}
}
