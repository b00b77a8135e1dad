package securitytest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

const bodyLimit = 64 << 10

// limited starts a hub with a small body cap and short timeouts.
func limited(t *testing.T) *hubtest.Hub {
	return hubtest.Start(t, hubtest.WithConfig(func(c *config.Config) {
		c.HTTP.MaxBodyBytes = bodyLimit
		c.HTTP.ReadTimeout, c.HTTP.WriteTimeout, c.HTTP.IdleTimeout = time.Second, time.Second, time.Second
	}))
}

// raw opens a TCP connection to the hub that fails reads after a generous bound.
func raw(t *testing.T, h *hubtest.Hub) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(h.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(15 * time.Second))
	return c, bufio.NewReader(c)
}

// TestBodyCapBeforeAuthentication (finding 4): a body over the cap is refused with 413 before it is
// read, authenticated or decoded — on the public pairing endpoint, on an authenticated call (which
// used to be a 429), and as a direct gRPC message (ResourceExhausted).
func TestBodyCapBeforeAuthentication(t *testing.T) {
	h := limited(t)

	// 100 MB announced, a few bytes sent: the answer comes without the rest.
	c, rd := raw(t, h)
	fmt.Fprintf(c, "POST /v1/pair HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"code\":", 100<<20)
	resp, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("no answer to an announced 100 MB body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "max_body_bytes") {
		t.Fatalf("announced 100 MB: %d %s, want 413 naming the limit", resp.StatusCode, body)
	}

	big := `{"name":"` + strings.Repeat("x", bodyLimit) + `"}`
	base, key := tenant(t, h, "acme")
	for _, k := range []string{"", key, "phk_wrong"} {
		r := h.Do(t, k, "POST", base+"/teams", big)
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversize body with key %q: %d %s, want 413", k, r.Status, r.Body)
		}
	}
	if r := h.Do(t, "", "POST", "/v1/pair", big); r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize pairing body: %d %s", r.Status, r.Body)
	}

	conn, err := grpc.NewClient(strings.TrimPrefix(h.URL, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+key)
	_, err = phv1.NewPresenceHubServiceClient(conn).CreateTeam(ctx, &phv1.CreateTeamRequest{Tenant: "acme", Team: &phv1.Team{Name: strings.Repeat("x", bodyLimit)}})
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("oversize gRPC message: %v, want ResourceExhausted", err)
	}
}

// TestSlowAndIdleConnectionsAreClosed (finding 5): a body trickled slower than the read timeout and
// an idle keep-alive connection are both closed by the hub.
func TestSlowAndIdleConnectionsAreClosed(t *testing.T) {
	h := limited(t)
	c, rd := raw(t, h)
	fmt.Fprintf(c, "POST /v1/pair HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	start := time.Now()
	if _, err := io.ReadAll(rd); err != nil { // the hub answers or closes; a read deadline error fails
		t.Fatalf("trickled body: connection still open after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}

	c, rd = raw(t, h)
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n")
	resp, err := http.ReadResponse(rd, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if _, err := rd.ReadByte(); err != io.EOF {
		t.Fatalf("idle keep-alive connection: %v, want closed by the hub", err)
	}
}

// TestStreamOutlivesTheWriteTimeout: the websocket stream is exempt from the request timeouts.
func TestStreamOutlivesTheWriteTimeout(t *testing.T) {
	h := limited(t)
	base, key := tenant(t, h, "acme")
	tenantID := strings.TrimPrefix(base, "/v1/tenants/")
	for _, s := range []string{"available", "busy"} {
		h.Must(t, http.StatusOK, key, "POST", base+"/statuses", map[string]any{"name": s, "kind": s})
	}
	agent := objectID(h.Must(t, http.StatusOK, key, "POST", base+"/agents", map[string]any{"email": "a@acme.example", "display_name": "A"}), "agent")
	token, _ := h.Pair(t, key, tenantID, agent, false)
	s := h.Dial(t, token)
	s.Next(5 * time.Second)               // snapshot
	<-time.After(2500 * time.Millisecond) // past the 1s read and write deadlines of the upgrade request
	if m := s.SetStatus("r1", "busy"); m.GetAck() == nil {
		t.Fatalf("stream after the write timeout: %v", m)
	}
}
