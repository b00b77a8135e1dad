package genesysemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator/genesysemu"
)

// api sends an authenticated JSON request and decodes the answer into out.
func api(t *testing.T, srv interface{ Client() *http.Client }, base, tok, method, path, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if tok == "" {
		req.SetBasicAuth(genesysemu.DefaultClientID, genesysemu.DefaultClientSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

type note struct {
	TopicName string         `json:"topicName"`
	EventBody map[string]any `json:"eventBody"`
}

func read(t *testing.T, conn *websocket.Conn) note {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatalf("reading the channel: %v", err)
	}
	var n note
	if err := json.Unmarshal(data, &n); err != nil {
		t.Fatalf("notification %s: %v", data, err)
	}
	return n
}

// TestChannelSocket: events for subscribed topics in order, heartbeats on the emulator's clock, pong
// for ping, a second connection closes the first, and the channel's expiry after 24 h sends the
// closing notice and closes the socket.
func TestChannelSocket(t *testing.T) {
	fc := clock.NewFake(time.Time{})
	em, srv := serve(t, genesysemu.Options{Clock: fc})
	ana := em.AddUser("ana@example.com", "Ana")
	bo := em.AddUser("bo@example.com", "Bo")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	api(t, srv, srv.URL, "", "POST", "/oauth/token", "grant_type=client_credentials", &tok)
	var ch struct{ ID, ConnectURI string }
	if api(t, srv, srv.URL, tok.AccessToken, "POST", "/api/v2/notifications/channels", "", &ch) != 200 {
		t.Fatal("creating a channel")
	}
	if st := api(t, srv, srv.URL, tok.AccessToken, "PUT", "/api/v2/notifications/channels/"+ch.ID+"/subscriptions",
		`[{"id":"v2.users.`+ana+`.presence"},{"id":"v2.users.`+ana+`.routingStatus"}]`, nil); st != 200 {
		t.Fatalf("subscribing: %d", st)
	}
	ctx := context.Background()
	conn, _, err := websocket.Dial(ctx, ch.ConnectURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if err := fc.BlockUntilContext(ctx, 2); err != nil { // the channel's expiry and the socket's heartbeat
		t.Fatal(err)
	}
	fc.Advance(genesysemu.DefaultHeartbeat)
	if n := read(t, conn); n.TopicName != "channel.metadata" || n.EventBody["message"] != "WebSocket Heartbeat" {
		t.Fatalf("after 30 s: %+v; want a heartbeat", n)
	}
	if err := em.Change(bo, "break"); err != nil { // not subscribed: nothing
		t.Fatal(err)
	}
	if err := em.Change(ana, "on_queue"); err != nil {
		t.Fatal(err)
	}
	if n := read(t, conn); n.TopicName != "v2.users."+ana+".presence" || n.EventBody["presenceDefinition"].(map[string]any)["systemPresence"] != "On Queue" {
		t.Fatalf("after going on queue: %+v; want the presence event", n)
	}
	if n := read(t, conn); n.TopicName != "v2.users."+ana+".routingStatus" || n.EventBody["routingStatus"].(map[string]any)["status"] != "IDLE" {
		t.Fatalf("after going on queue: %+v; want routing IDLE", n)
	}
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"message":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if n := read(t, conn); n.EventBody["message"] != "pong" {
		t.Fatalf("after a ping: %+v; want pong", n)
	}
	// A second connection replaces the first.
	second, _, err := websocket.Dial(ctx, ch.ConnectURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.CloseNow()
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, _, err := conn.Read(rctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("first connection after a second one: %v; want closed", err)
	}
	if err := fc.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal(err)
	}
	fc.Advance(genesysemu.ChannelLife - genesysemu.DefaultHeartbeat)
	for {
		n := read(t, second)
		if n.TopicName == "channel.metadata" {
			continue // the heartbeat due at the same moment
		}
		if n.TopicName != "v2.system.socket_closing" {
			t.Fatalf("at expiry: %+v; want the closing notice", n)
		}
		break
	}
	for {
		_, data, err := second.Read(rctx)
		if err == nil && strings.Contains(string(data), "WebSocket Heartbeat") {
			continue
		}
		if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			t.Fatalf("after the closing notice: %s, %v; want closed", data, err)
		}
		break
	}
	if em.Channels() != 0 {
		t.Errorf("%d channels after expiry; want 0", em.Channels())
	}
	api(t, srv, srv.URL, "", "POST", "/oauth/token", "grant_type=client_credentials", &tok) // the first lasted 86399 s
	if st := api(t, srv, srv.URL, tok.AccessToken, "GET", "/api/v2/notifications/channels/"+ch.ID+"/subscriptions", "", nil); st != 404 {
		t.Errorf("expired channel's subscriptions: %d; want 404", st)
	}
}
