package streamclient

// TEMPORARY HARNESS. The hub's /v1/stream endpoint (hub/internal/stream) is being written at the same
// time as this client, so these protocol tests run against fakeHub: a stand-in written with
// coder/websocket that speaks the protocol as specified (protojson messages, subprotocol
// "presencehub.v1", bearer token, snapshot first, 4401 and 1008 closes). It tests the client against
// the specification, not against the hub. Replace these tests with end-to-end ones against the real
// hub (presencehub.dev/hub/internal/hubtest) and delete this file and its helpers.

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

const (
	harnessToken = "phd_harness"
	waitTimeout  = 5 * time.Second
)

// fakeHub serves the stream: every accepted connection gets a Snapshot whose presence version is ten
// times the connection's number, and is then handed to the test (accept) to drive.
type fakeHub struct {
	srv   *httptest.Server
	down  atomic.Bool  // answer 503 to upgrades
	mute  atomic.Bool  // stop reading after the snapshot, so pings go unanswered
	dials atomic.Int32 // upgrade requests received
	conns chan *fakeConn
	quit  chan struct{} // closed when the test ends
}

type fakeConn struct {
	ws      *websocket.Conn
	version int64                    // of the snapshot sent
	in      chan *phv1.ClientMessage // what the client sent
	ended   chan error               // the read error that ended the connection
}

func newFakeHub(t *testing.T) *fakeHub {
	h := &fakeHub{conns: make(chan *fakeConn, 16), quit: make(chan struct{})}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	t.Cleanup(func() { close(h.quit) })
	return h
}

func (h *fakeHub) serve(w http.ResponseWriter, r *http.Request) {
	n := h.dials.Add(1)
	switch {
	case r.URL.Path != "/v1/stream":
		http.NotFound(w, r)
		return
	case r.Header.Get("Authorization") != "Bearer "+harnessToken:
		http.Error(w, `{"code":16,"message":"unauthenticated"}`, http.StatusUnauthorized)
		return
	case h.down.Load():
		http.Error(w, "restarting", http.StatusServiceUnavailable)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{subprotocol}})
	if err != nil {
		return
	}
	if ws.Subprotocol() != subprotocol {
		ws.Close(websocket.StatusPolicyViolation, "subprotocol required")
		return
	}
	fc := &fakeConn{ws: ws, version: int64(n) * 10, in: make(chan *phv1.ClientMessage, 16), ended: make(chan error, 1)}
	fc.write(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Snapshot{Snapshot: &phv1.Snapshot{
		TenantId: "tenant-1", AgentId: "agent-1", DeviceId: "device-1",
		Presence: &phv1.Presence{AgentId: "agent-1", Status: "available", Version: fc.version},
	}}})
	h.conns <- fc
	if h.mute.Load() {
		<-h.quit
		ws.CloseNow()
		return
	}
	for {
		_, data, err := ws.Read(context.Background())
		if err != nil {
			fc.ended <- err
			return
		}
		msg := &phv1.ClientMessage{}
		if err := protojson.Unmarshal(data, msg); err != nil {
			ws.Close(websocket.StatusUnsupportedData, "bad message")
			fc.ended <- err
			return
		}
		fc.in <- msg
	}
}

func (fc *fakeConn) write(msg *phv1.ServerMessage) {
	data, err := protojson.Marshal(msg)
	if err != nil {
		panic(err)
	}
	_ = fc.ws.Write(context.Background(), websocket.MessageText, data)
}

func (h *fakeHub) accept(t *testing.T) *fakeConn {
	t.Helper()
	select {
	case fc := <-h.conns:
		return fc
	case <-time.After(waitTimeout):
		t.Fatal("no connection from the client")
		return nil
	}
}

func (fc *fakeConn) recv(t *testing.T) *phv1.ClientMessage {
	t.Helper()
	select {
	case m := <-fc.in:
		return m
	case <-time.After(waitTimeout):
		t.Fatal("no message from the client")
		return nil
	}
}

func (fc *fakeConn) ack(id string, version int64) {
	fc.write(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: id, Version: version, Outcome: "applied"}}})
}

// running is a Client whose Run runs in the background until the test ends.
type running struct {
	*Client
	cancel context.CancelFunc
	done   chan struct{}
	err    error // Run's result, once done is closed
}

func start(t *testing.T, h *fakeHub, token string, tune func(*Client)) *running {
	t.Helper()
	c := New(Options{
		HubURL: h.srv.URL, Token: token, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if tune != nil {
		tune(c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Client: c, cancel: cancel, done: make(chan struct{})}
	go func() { r.err = c.Run(ctx); close(r.done) }()
	t.Cleanup(func() { cancel(); r.wait(t) })
	return r
}

// wait waits for Run to return and gives its result.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return")
		return nil
	}
}

// until reads Updates until one satisfies ok, and returns it.
func (r *running) until(t *testing.T, what string, ok func(Update) bool) Update {
	t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case u, open := <-r.Updates():
			if !open {
				t.Fatalf("Updates closed while waiting for %s", what)
			}
			if ok(u) {
				return u
			}
		case <-timeout:
			t.Fatalf("no update: %s", what)
		}
	}
}

func snapshotVersion(v int64) func(Update) bool {
	return func(u Update) bool { return u.Snapshot != nil && u.Snapshot.GetPresence().GetVersion() == v }
}

// async runs f in the background; the returned channel gives its error.
func async[T any](f func() (T, error)) chan result[T] {
	ch := make(chan result[T], 1)
	go func() { v, err := f(); ch <- result[T]{v, err} }()
	return ch
}

type result[T any] struct {
	v   T
	err error
}

func await[T any](t *testing.T, ch chan result[T]) (T, error) {
	t.Helper()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(waitTimeout):
		t.Fatal("call did not return")
		var zero T
		return zero, nil
	}
}

// queued waits until n requests wait for a connection.
func (r *running) queued(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		r.mu.Lock()
		got := len(r.queue)
		r.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func isSignIn(err error) bool { return errors.Is(err, ErrSignInRequired) }

func TestHarnessSnapshotThenEvents(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)
	u := c.until(t, "the snapshot", snapshotVersion(10))
	if u.State != Connected || u.Snapshot.GetAgentId() != "agent-1" || u.Snapshot.GetTenantId() != "tenant-1" {
		t.Fatalf("snapshot update = %+v", u)
	}

	fc.write(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Event{Event: &phv1.PresenceEvent{
		Presence: &phv1.Presence{AgentId: "agent-1", Status: "lunch", Version: 11}}}})
	// A field this client does not know yet must not break it.
	_ = fc.ws.Write(context.Background(), websocket.MessageText,
		[]byte(`{"batch":{"events":[{"presence":{"agentId":"agent-1","version":"12"},"newField":1},`+
			`{"presence":{"agentId":"agent-1","version":"13"}}]},"futureKind":{}}`))
	var versions []int64
	c.until(t, "three events", func(u Update) bool {
		for _, e := range u.Events {
			versions = append(versions, e.GetPresence().GetVersion())
		}
		return len(versions) >= 3
	})
	if len(versions) != 3 || versions[0] != 11 || versions[1] != 12 || versions[2] != 13 {
		t.Fatalf("event versions = %v, want [11 12 13]", versions)
	}
	// The server pings; the client's reader answers while idle.
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := fc.ws.Ping(ctx); err != nil {
		t.Fatalf("hub's ping: %v", err)
	}
}

func TestHarnessSetStatusMatchesAnswersByRequestID(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)
	c.until(t, "the snapshot", snapshotVersion(10))

	lunch := async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "lunch") })
	brk := async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "break") })
	ids := map[string]string{}
	for range 2 {
		s := fc.recv(t).GetSetStatus()
		if s.GetRequestId() == "" || s.GetBaseVersion() != 10 {
			t.Fatalf("SetStatus = %v, want a request id and base_version 10", s)
		}
		ids[s.GetStatus()] = s.GetRequestId()
	}
	if ids["lunch"] == ids["break"] {
		t.Fatalf("request ids not distinct: %v", ids)
	}
	fc.ack("someone-else", 99) // not ours: ignored
	fc.write(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Error{Error: &phv1.StreamError{
		RequestId: ids["break"], Code: "blocked", Reason: "On a call"}}})
	fc.ack(ids["lunch"], 11)

	ack, err := await(t, lunch)
	if err != nil || ack.GetRequestId() != ids["lunch"] || ack.GetVersion() != 11 {
		t.Fatalf("SetStatus(lunch) = %v, %v", ack, err)
	}
	_, err = await(t, brk)
	var se *StreamError
	if !errors.As(err, &se) || se.Code != "blocked" || se.Reason != "On a call" || se.RequestID != ids["break"] {
		t.Fatalf("SetStatus(break) error = %v, want the StreamError", err)
	}
}

func TestHarnessSetStatusWhileDisconnectedIsSentAfterReconnect(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)
	c.until(t, "the snapshot", snapshotVersion(10))

	h.down.Store(true)
	fc.ws.Close(websocket.StatusGoingAway, "restarting")
	c.until(t, "the drop", func(u Update) bool { return u.State != Connected })
	first := async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "lunch") })
	c.queued(t, 1)
	second := async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "break") })
	c.queued(t, 2)
	for h.dials.Load() < 3 { // a couple of refused reconnects while the requests wait
		time.Sleep(time.Millisecond)
	}
	h.down.Store(false)

	fc = h.accept(t)
	c.until(t, "the new snapshot", snapshotVersion(fc.version))
	m1, m2 := fc.recv(t).GetSetStatus(), fc.recv(t).GetSetStatus()
	if m1.GetStatus() != "lunch" || m2.GetStatus() != "break" {
		t.Fatalf("sent %q then %q, want lunch then break (the order they were made)", m1.GetStatus(), m2.GetStatus())
	}
	if m1.GetBaseVersion() != fc.version {
		t.Fatalf("base_version = %d, want the new snapshot's %d", m1.GetBaseVersion(), fc.version)
	}
	fc.ack(m1.GetRequestId(), fc.version+1)
	fc.ack(m2.GetRequestId(), fc.version+2)
	if ack, err := await(t, first); err != nil || ack.GetVersion() != fc.version+1 {
		t.Fatalf("SetStatus(lunch) = %v, %v", ack, err)
	}
	if ack, err := await(t, second); err != nil || ack.GetVersion() != fc.version+2 {
		t.Fatalf("SetStatus(break) = %v, %v", ack, err)
	}
}

func TestHarnessSetStatusRetriedOnceWhenTheConnectionDrops(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)

	// Dropped once: sent again, with the same request id, and answered.
	res := async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "lunch") })
	m1 := fc.recv(t).GetSetStatus()
	fc.ws.Close(websocket.StatusGoingAway, "restarting")
	fc = h.accept(t)
	m2 := fc.recv(t).GetSetStatus()
	if m2.GetStatus() != "lunch" || m2.GetRequestId() != m1.GetRequestId() {
		t.Fatalf("retry = %v, want lunch with request id %s", m2, m1.GetRequestId())
	}
	fc.ack(m2.GetRequestId(), 21)
	if _, err := await(t, res); err != nil {
		t.Fatalf("SetStatus after one drop: %v", err)
	}

	// Dropped twice: given up.
	res = async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "break") })
	fc.recv(t)
	fc.ws.Close(websocket.StatusGoingAway, "restarting")
	fc = h.accept(t)
	fc.recv(t)
	fc.ws.Close(websocket.StatusGoingAway, "restarting")
	if _, err := await(t, res); !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("SetStatus after two drops: %v, want ErrConnectionLost", err)
	}

	// "previous" is not idempotent: never sent twice.
	fc = h.accept(t)
	res = async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "previous") })
	fc.recv(t)
	fc.ws.Close(websocket.StatusGoingAway, "restarting")
	if _, err := await(t, res); !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("SetStatus(previous) after a drop: %v, want ErrConnectionLost", err)
	}
	fc = h.accept(t)
	c.until(t, "the new snapshot", snapshotVersion(fc.version))
	select {
	case m := <-fc.in:
		t.Fatalf("unexpected message after reconnect: %v", m)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestHarnessUnauthorizedStopsWithSignInRequired(t *testing.T) {
	h := newFakeHub(t)
	c := New(Options{HubURL: h.srv.URL, Token: "phd_wrong", MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	pending := async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "lunch") })
	r := &running{Client: c}
	r.queued(t, 1)

	err := c.Run(context.Background())
	if !isSignIn(err) {
		t.Fatalf("Run = %v, want ErrSignInRequired", err)
	}
	if n := h.dials.Load(); n != 1 {
		t.Fatalf("%d upgrade requests, want 1 (no reconnect after a 401)", n)
	}
	if _, err := await(t, pending); !isSignIn(err) {
		t.Fatalf("pending SetStatus = %v, want ErrSignInRequired", err)
	}
	if _, err := c.SetStatus(context.Background(), "lunch"); !isSignIn(err) {
		t.Fatalf("SetStatus after Run = %v, want ErrSignInRequired", err)
	}
	var last Update
	for u := range c.Updates() { // closed after the last update
		last = u
	}
	if last.State != SignInRequired || !isSignIn(classifyErr(last.Err)) {
		t.Fatalf("last update = %+v, want SignInRequired", last)
	}
}

// classifyErr turns a connection error into what Run would return for it.
func classifyErr(err error) error {
	if classify(err) == signIn {
		return ErrSignInRequired
	}
	return err
}

func TestHarnessRevokedDeviceStopsWithSignInRequired(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)
	res := async(func() (*phv1.Ack, error) { return c.SetStatus(context.Background(), "lunch") })
	fc.recv(t)
	fc.ws.Close(statusSignInRequired, "device revoked")

	err := c.wait(t)
	if !isSignIn(err) || websocket.CloseStatus(err) != statusSignInRequired {
		t.Fatalf("Run = %v, want ErrSignInRequired caused by close 4401", err)
	}
	if _, err := await(t, res); !isSignIn(err) {
		t.Fatalf("unanswered SetStatus = %v, want ErrSignInRequired", err)
	}
	if n := h.dials.Load(); n != 1 {
		t.Fatalf("%d upgrade requests, want 1 (no reconnect after 4401)", n)
	}
	c.until(t, "sign-in required", func(u Update) bool { return u.State == SignInRequired })
}

func TestHarnessSlowClientCloseReconnectsWithFreshSnapshot(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)
	c.until(t, "the snapshot", snapshotVersion(10))
	fc.ws.Close(websocket.StatusPolicyViolation, "too slow")

	fc = h.accept(t)
	u := c.until(t, "the new snapshot", snapshotVersion(fc.version))
	if u.State != Connected {
		t.Fatalf("state = %v, want connected", u.State)
	}
	select {
	case <-c.done:
		t.Fatalf("Run returned %v after a 1008 close", c.err)
	default:
	}
}

func TestHarnessTeamsAreSubscribedAgainAfterReconnect(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)
	team := func(version int64) *phv1.ServerMessage {
		return &phv1.ServerMessage{Kind: &phv1.ServerMessage_TeamSnapshot{TeamSnapshot: &phv1.TeamSnapshot{
			TeamId: "t1", Presences: []*phv1.Presence{{AgentId: "agent-2", Version: version}}}}}
	}

	// Ack first, then the team snapshot.
	res := async(func() (*phv1.TeamSnapshot, error) { return c.SubscribeTeam(context.Background(), "t1") })
	sub := fc.recv(t).GetSubscribeTeam()
	if sub.GetTeamId() != "t1" || sub.GetRequestId() == "" {
		t.Fatalf("SubscribeTeam = %v", sub)
	}
	fc.ack(sub.GetRequestId(), 0)
	fc.write(team(1))
	if ts, err := await(t, res); err != nil || ts.GetPresences()[0].GetVersion() != 1 {
		t.Fatalf("SubscribeTeam = %v, %v", ts, err)
	}

	// A refused subscription is an error, and not renewed.
	refused := async(func() (*phv1.TeamSnapshot, error) { return c.SubscribeTeam(context.Background(), "t2") })
	sub = fc.recv(t).GetSubscribeTeam()
	fc.write(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Error{Error: &phv1.StreamError{
		RequestId: sub.GetRequestId(), Code: "forbidden", Reason: "not a supervisor of t2"}}})
	if _, err := await(t, refused); !errors.As(err, new(*StreamError)) {
		t.Fatalf("SubscribeTeam(t2) = %v, want a StreamError", err)
	}

	// After a drop, the client subscribes to t1 again on its own; here the snapshot comes before the Ack.
	fc.ws.Close(websocket.StatusGoingAway, "restarting")
	fc = h.accept(t)
	sub = fc.recv(t).GetSubscribeTeam()
	if sub.GetTeamId() != "t1" {
		t.Fatalf("re-subscription = %v, want team t1", sub)
	}
	fc.write(team(2))
	fc.ack(sub.GetRequestId(), 0)
	c.until(t, "the renewed team snapshot", func(u Update) bool {
		return len(u.TeamSnapshots) == 1 && u.TeamSnapshots[0].GetPresences()[0].GetVersion() == 2
	})
	select {
	case m := <-fc.in:
		t.Fatalf("unexpected message after the re-subscription: %v", m)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestHarnessSilentHubIsReplaced(t *testing.T) {
	h := newFakeHub(t)
	h.mute.Store(true) // the hub stops answering after the snapshot
	c := start(t, h, harnessToken, func(c *Client) { c.pingInterval = 40 * time.Millisecond })
	h.accept(t)
	h.mute.Store(false)
	h.accept(t)
	c.until(t, "the new snapshot", snapshotVersion(20))
}

func TestHarnessStopClosesNormally(t *testing.T) {
	h := newFakeHub(t)
	c := start(t, h, harnessToken, nil)
	fc := h.accept(t)
	c.until(t, "the snapshot", snapshotVersion(10))
	c.cancel()
	if err := c.wait(t); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	select {
	case err := <-fc.ended:
		if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			t.Fatalf("hub saw %v, want a normal closure", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("the hub did not see the connection end")
	}
	if _, err := c.SetStatus(context.Background(), "lunch"); !errors.Is(err, ErrStopped) {
		t.Fatalf("SetStatus after Run = %v, want ErrStopped", err)
	}
	if err := c.Run(context.Background()); err == nil {
		t.Fatal("second Run succeeded")
	}
	c.until(t, "the final update", func(u Update) bool { return u.State == Disconnected && u.Err == nil })
}
