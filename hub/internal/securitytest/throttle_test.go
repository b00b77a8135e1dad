package securitytest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// pairAttempts is more than the per-address burst of wrong pairing codes (10).
const pairAttempts = 14

// restPair guesses a code over REST with a made-up X-Forwarded-For and Forwarded.
func restPair(t *testing.T, h *hubtest.Hub, i int) int {
	t.Helper()
	req, err := http.NewRequest("POST", h.URL+"/v1/pair", strings.NewReader(fmt.Sprintf(`{"code":"WRONG%04d"}`, i)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
	req.Header.Set("Forwarded", fmt.Sprintf("for=198.51.100.%d", i))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestPairingThrottleIgnoresCallerSetAddresses (finding 3): a guesser sending a different
// X-Forwarded-For / Forwarded with every try — as REST headers or as direct gRPC metadata, including
// the key the gateway uses internally — is still one address and is throttled after its burst.
func TestPairingThrottleIgnoresCallerSetAddresses(t *testing.T) {
	h := hubtest.Start(t)
	blocked := 0
	for i := range pairAttempts {
		if restPair(t, h, i) == http.StatusTooManyRequests {
			blocked++
		}
	}
	if blocked < pairAttempts-10 {
		t.Fatalf("REST: %d of %d guesses throttled, want all past the 10th", blocked, pairAttempts)
	}

	h2 := hubtest.Start(t)
	conn, err := grpc.NewClient(strings.TrimPrefix(h2.URL, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := phv1.NewPresenceHubServiceClient(conn)
	blocked = 0
	for i := range pairAttempts {
		ctx := metadata.AppendToOutgoingContext(t.Context(), "x-forwarded-for", fmt.Sprintf("198.51.100.%d", i),
			"forwarded", fmt.Sprintf("for=198.51.100.%d", i), "x-presencehub-client-addr", fmt.Sprintf("198.51.100.%d", i))
		_, err := c.Pair(ctx, &phv1.PairRequest{Code: fmt.Sprintf("WRONG%04d", i)})
		switch status.Code(err) {
		case codes.ResourceExhausted:
			blocked++
		case codes.NotFound:
		default:
			t.Fatalf("gRPC pair: %v", err)
		}
	}
	if blocked < pairAttempts-10 {
		t.Fatalf("gRPC: %d of %d guesses throttled, want all past the 10th", blocked, pairAttempts)
	}
}

// TestTrustedProxyNamesTheClient: behind a configured proxy, each forwarded client has its own budget.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	h := hubtest.Start(t, hubtest.WithConfig(func(c *config.Config) { c.HTTP.TrustedProxies = []string{"127.0.0.1"} }))
	for i := range pairAttempts {
		if s := restPair(t, h, i); s != http.StatusNotFound {
			t.Fatalf("guess %d from its own forwarded address: %d, want 404", i, s)
		}
	}
}
