package stream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/shared/testwait"
)

// clientFrame is a client's masked frame.
func clientFrame(first byte, payload []byte) []byte {
	mask := []byte{0x37, 0xfa, 0x21, 0x3d}
	f := []byte{first, frameMasked | byte(len(payload))}
	f = append(f, mask...)
	for i, b := range payload {
		f = append(f, b^mask[i%4])
	}
	return f
}

func TestControlFrame(t *testing.T) {
	ping := clientFrame(frameFin|opPing, []byte("hello"))
	pong := clientFrame(frameFin|opPong, nil)
	long := clientFrame(frameFin|opPing, bytes.Repeat([]byte{'x'}, maxCtlPayload))
	for _, tc := range []struct {
		name              string
		b                 []byte
		op                byte
		n                 int
		complete, ok      bool
		payloadIfComplete string
	}{
		{"empty", nil, 0, 0, false, false, ""},
		{"ping", ping, opPing, 11, true, true, "hello"},
		{"ping and more after it", append(bytes.Clone(ping), 0x81, 0x80), opPing, 11, true, true, "hello"},
		{"pong without payload", pong, opPong, 6, true, true, ""},
		{"longest control frame", long, opPing, maxCtlFrame, true, true, strings.Repeat("x", maxCtlPayload)},
		{"first byte only", ping[:1], opPing, 0, false, true, ""},
		{"header without the whole mask", ping[:4], opPing, 11, false, true, ""},
		{"payload cut short", ping[:10], opPing, 11, false, true, ""},
		{"text message", clientFrame(frameFin|0x1, []byte("{}")), 0, 0, false, false, ""},
		{"close", clientFrame(frameFin|0x8, nil), 0, 0, false, false, ""},
		{"ping without FIN", clientFrame(opPing, nil), 0, 0, false, false, ""},
		{"reserved bit set", clientFrame(frameFin|0x40|opPing, nil), 0, 0, false, false, ""},
		{"unmasked", []byte{frameFin | opPing, 0}, 0, 0, false, false, ""},
		{"payload too long for a control frame", []byte{frameFin | opPing, frameMasked | 126, 0, 200}, 0, 0, false, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, n, complete, ok := controlFrame(tc.b)
			if op != tc.op || n != tc.n || complete != tc.complete || ok != tc.ok {
				t.Fatalf("controlFrame = op %#x, n %d, complete %v, ok %v; want %#x, %d, %v, %v", op, n, complete, ok, tc.op, tc.n, tc.complete, tc.ok)
			}
			if complete {
				var dst [maxCtlFrame]byte
				if got := string(unmask(tc.b[:n], dst[:])); got != tc.payloadIfComplete {
					t.Fatalf("payload %q, want %q", got, tc.payloadIfComplete)
				}
			}
		})
	}
}

// rawClient is a websocket client written by hand, so a test decides how the bytes are cut.
type rawClient struct {
	nc net.Conn
	br *bufio.Reader
}

func (ss *streamServer) rawDial(t *testing.T) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", strings.TrimPrefix(ss.url, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(patience))
	req := "GET / HTTP/1.1\r\nHost: hub\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + Subprotocol + "\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		t.Fatal(err)
	}
	rc := &rawClient{nc: nc, br: bufio.NewReader(nc)}
	res, err := http.ReadResponse(rc.br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v, %v", res, err)
	}
	if op, p := rc.read(t); op != 0x1 || !strings.Contains(string(p), `"snapshot"`) {
		t.Fatalf("first frame %#x %s: want the snapshot", op, p)
	}
	return rc
}

// read reads one server frame (unmasked, unfragmented).
func (rc *rawClient) read(t *testing.T) (byte, []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(rc.br, h[:]); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	size := uint64(h[1] & frameLen)
	switch size {
	case 126:
		var ext [2]byte
		_, _ = io.ReadFull(rc.br, ext[:])
		size = uint64(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		_, _ = io.ReadFull(rc.br, ext[:])
		size = binary.BigEndian.Uint64(ext[:])
	}
	p := make([]byte, size)
	if _, err := io.ReadFull(rc.br, p); err != nil {
		t.Fatalf("reading a frame's payload: %v", err)
	}
	return h[0] & frameOpcode, p
}

func (rc *rawClient) write(t *testing.T, b []byte) {
	t.Helper()
	if _, err := rc.nc.Write(b); err != nil {
		t.Fatal(err)
	}
}

// TestPingsAndPongsAreHandledBelowTheLibrary: the client's pings are answered with their payload,
// however the bytes arrive (cut in pieces, or behind a message in one write), messages around them
// still reach the hub, and the hub's heartbeat pings are answered by the client's pongs: with the
// poller, and with a reader goroutine per connection (no poller: not Linux, or arming failed).
func TestPingsAndPongsAreHandledBelowTheLibrary(t *testing.T) {
	t.Run("poller", func(t *testing.T) { pingsAndPongs(t, startStreamServer(t)) })
	t.Run("reader goroutine", func(t *testing.T) {
		pingsAndPongs(t, startStreamServerWith(t, func(s *Server) { s.poll = nil }))
	})
}

func pingsAndPongs(t *testing.T, ss *streamServer) {
	rc := ss.rawDial(t)
	var c *conn
	select {
	case c = <-ss.conns:
	case <-time.After(patience):
		t.Fatal("the server never finished the handshake")
	}
	if c.sock == nil {
		t.Skip("the reader cannot look below the library on this system")
	}

	ping := clientFrame(frameFin|opPing, []byte("first"))
	rc.write(t, ping[:1])
	rc.write(t, ping[1:4])
	rc.write(t, ping[4:])
	if op, p := rc.read(t); op != opPong || string(p) != "first" {
		t.Fatalf("got %#x %q, want the pong of the ping cut in three", op, p)
	}

	// A message and a ping in one write: the library reads the message, the ping waits in its buffer.
	both := append(clientFrame(frameFin|0x1, []byte("{}")), clientFrame(frameFin|opPing, []byte("second"))...)
	rc.write(t, both)
	var gotPong, gotAnswer bool
	for range 2 {
		switch op, p := rc.read(t); {
		case op == opPong && string(p) == "second":
			gotPong = true
		case op == 0x1 && strings.Contains(string(p), `"invalid"`):
			gotAnswer = true
		default:
			t.Fatalf("unexpected frame %#x %q", op, p)
		}
	}
	if !gotPong || !gotAnswer {
		t.Fatalf("pong %v, answer to the message %v: want both", gotPong, gotAnswer)
	}

	for rev := 1; rev <= 2; rev++ {
		ss.clock.tickTo(t, rev*wheelSlots)
		if op, _ := rc.read(t); op != opPing {
			t.Fatalf("revolution %d: got frame %#x, want the heartbeat's ping", rev, op)
		}
		testwait.For(t, "the ping is outstanding", c.pinging.Load)
		pong := clientFrame(frameFin|opPong, nil)
		rc.write(t, pong[:3]) // the rest comes later: the reader waits for it
		rc.write(t, pong[3:])
		testwait.For(t, "the pong reaches the hub", func() bool { return !c.pinging.Load() })
	}
}

// readerGoroutines counts the goroutines in a stream connection's read path.
func readerGoroutines(t *testing.T) int {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 2); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if strings.Contains(g, "stream.(*conn).serve") || strings.Contains(g, "stream.(*conn).readReady") {
			n++
		}
	}
	return n
}

// TestAnIdleStreamHasNoGoroutine: a connection whose client has been quiet for idleAfter waits in
// the poller, not on a goroutine of its own, and comes back for the next message; a client that goes
// away is released.
func TestAnIdleStreamHasNoGoroutine(t *testing.T) {
	ss := startStreamServerWith(t, func(s *Server) { s.idleAfter = 20 * time.Millisecond })
	if ss.s.poll == nil {
		t.Skip("no poller on this system")
	}
	ws, c := ss.dial(t, nil)
	got := make(chan []byte, 4)
	go func() {
		for {
			_, data, err := ws.Read(context.Background())
			if err != nil {
				close(got)
				return
			}
			got <- data
		}
	}()
	for i := range 3 {
		ctx, cancel := context.WithTimeout(t.Context(), patience)
		err := ws.Ping(ctx) // its pong is the proof that the hub read it
		cancel()
		if err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
		testwait.For(t, "no goroutine reads the idle stream", func() bool { return readerGoroutines(t) == 0 })
		if err := ws.Write(t.Context(), websocket.MessageText, []byte("{}")); err != nil {
			t.Fatal(err)
		}
		select {
		case data := <-got:
			if !strings.Contains(string(data), `"invalid"`) {
				t.Fatalf("answer %s, want the invalid-message error", data)
			}
		case <-time.After(patience):
			t.Fatalf("round %d: the message after the idle wait was never answered", i)
		}
	}

	ws.CloseNow() // no close frame: the socket just ends
	testwait.For(t, "the hub releases the connection", func() bool { return c.ctx.Err() != nil })
	ss.s.poll.mu.Lock()
	_, still := ss.s.poll.conns[c.pollID]
	ss.s.poll.mu.Unlock()
	if still {
		t.Fatal("the poller still holds the ended connection")
	}
}
