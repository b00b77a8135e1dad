package bus

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/testenv"
	"presencehub.dev/shared/testwait"
)

// inbox collects what a subscriber receives.
type inbox struct {
	mu     sync.Mutex
	events []Event
}

func (in *inbox) add(e Event) { in.mu.Lock(); in.events = append(in.events, e); in.mu.Unlock() }

func (in *inbox) list() []Event {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Event(nil), in.events...)
}

// waitLen waits until in holds n events and fails if it holds more. NATS delivers a subscription's
// messages in order, so an extra event (one coming back to its publisher) shows up by the time a later
// event does: each test's next waitLen catches it.
func (in *inbox) waitLen(t *testing.T, n int) []Event {
	t.Helper()
	testwait.Seen(t, testwait.Default, fmt.Sprintf("%d events", n), func() (bool, string) {
		got := in.list()
		return len(got) >= n, fmt.Sprintf("%d events: %+v", len(got), got)
	})
	got := in.list()
	if len(got) != n {
		t.Fatalf("received %d events, want %d: %+v", len(got), n, got)
	}
	return got
}

func newNATS(t *testing.T, url, prefix, origin string) *NATS {
	t.Helper()
	b, err := NewNATS(NATSOptions{URL: url, Prefix: prefix, Origin: origin, ReconnectWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close(time.Second) })
	return b
}

// TestNATSFanout: an event reaches local subscribers at once and other replicas once, marked remote,
// never coming back to its publisher, and never reaching a hub under another prefix.
func TestNATSFanout(t *testing.T) {
	url := testenv.NATS(t)
	prefix := fmt.Sprintf("presencehub.test%d", time.Now().UnixNano())
	a, b := newNATS(t, url, prefix, "a"), newNATS(t, url, prefix, "b")
	other := newNATS(t, url, prefix+"x", "c")
	var inA, inB, inOther inbox
	a.Subscribe(inA.add)
	b.Subscribe(inB.add)
	other.Subscribe(inOther.add)

	at := time.UnixMicro(time.Now().UnixMicro()).UTC()
	sent := Event{Kind: KindPresence, TenantID: "tn_1", AgentID: "ag_1", TeamIDs: []string{"tm_1", "tm_2"}, Writes: 2, Blocked: "On a call",
		Presence: &model.Presence{TenantID: "tn_1", AgentID: "ag_1", Status: "busy", Version: 7, Source: "connection", SourceID: "cn_1",
			Reason: "zendesk: away", PreviousStatus: "available", HeldStatus: "available", QueuedStatus: "lunch", UpdateTime: at}}
	if err := a.Publish(context.Background(), sent); err != nil {
		t.Fatal(err)
	}
	if got := inA.list(); len(got) != 1 || got[0].Remote { // delivered locally before Publish returned
		t.Fatalf("local delivery: %+v", got)
	}
	got := inB.waitLen(t, 1)[0]
	if !got.Remote || got.Kind != KindPresence || got.AgentID != "ag_1" || len(got.TeamIDs) != 2 || got.Writes != 2 || got.Blocked != sent.Blocked ||
		*got.Presence != *sent.Presence {
		t.Fatalf("remote event %+v %+v, want %+v %+v", got, got.Presence, sent, sent.Presence)
	}
	if err := b.Publish(context.Background(), Event{Kind: KindWriteExpected, TenantID: "tn_1", ConnectionID: "cn_1", ExternalID: "42", VendorState: "away"}); err != nil {
		t.Fatal(err)
	}
	if e := inA.waitLen(t, 2)[1]; !e.Remote || e.ConnectionID != "cn_1" || e.ExternalID != "42" || e.VendorState != "away" {
		t.Fatalf("write expected: %+v", e)
	}
	inB.waitLen(t, 2) // its own event once (locally), not again from NATS
	// An event of no tenant goes on the hub subject.
	if err := a.Publish(context.Background(), Event{Kind: KindAgentChanged}); err != nil {
		t.Fatal(err)
	}
	inB.waitLen(t, 3)
	if n := len(inOther.list()); n != 0 {
		t.Fatalf("a hub under another prefix received %d events", n)
	}
}

// TestNATSReconnectResyncs cuts the NATS server under a bus: once it is back the bus reconnects, tells
// local subscribers to resync, and carries events again.
func TestNATSReconnectResyncs(t *testing.T) {
	testenv.NATS(t) // a NATS test environment is configured: nats-server must be installed too
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		if testenv.Required() {
			t.Fatal("nats-server is not installed")
		}
		t.Skip("nats-server is not installed")
	}
	port := freePort(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", strconv.Itoa(port))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		testwait.For(t, "nats-server to listen", func() bool {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err == nil {
				c.Close()
			}
			return err == nil
		})
		return cmd
	}
	srv := start()
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	a, b := newNATS(t, url, "presencehub.reconnect", "a"), newNATS(t, url, "presencehub.reconnect", "b")
	var inA, inB inbox
	a.Subscribe(inA.add)
	b.Subscribe(inB.add)
	_ = srv.Process.Kill()
	_ = srv.Wait()
	srv = start()
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	if e := inB.waitLen(t, 1)[0]; e.Kind != KindResync {
		t.Fatalf("after reconnecting: %+v, want a resync", e)
	}
	inA.waitLen(t, 1)
	if err := a.Publish(context.Background(), Event{Kind: KindTenantChanged, TenantID: "tn_9"}); err != nil {
		t.Fatal(err)
	}
	if e := inB.waitLen(t, 2)[1]; e.Kind != KindTenantChanged || e.TenantID != "tn_9" || !e.Remote {
		t.Fatalf("after reconnecting: %+v", e)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSubjects(t *testing.T) {
	for _, tc := range []struct {
		e    Event
		want string
	}{
		{Event{Kind: KindPresence, TenantID: "tn_01"}, "p.t.tn_01.presence"},
		{Event{Kind: KindAgentChanged}, "p.hub.agent_changed"},
		{Event{Kind: KindPresence, TenantID: "a.b"}, "p.hub.presence"},
	} {
		if got := subject("p", tc.e); got != tc.want {
			t.Errorf("subject(%+v) = %s, want %s", tc.e, got, tc.want)
		}
	}
}
