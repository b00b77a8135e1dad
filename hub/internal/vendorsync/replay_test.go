package vendorsync_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

type delivery struct {
	header http.Header
	body   []byte
}

// wiretap records the webhook deliveries an emulator sends it.
type wiretap struct {
	mu   sync.Mutex
	seen []delivery
}

func (w *wiretap) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	w.seen = append(w.seen, delivery{r.Header.Clone(), body})
	w.mu.Unlock()
}

func (w *wiretap) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.seen)
}

func (w *wiretap) get(i int) delivery {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen[i]
}

// postDelivery sends a delivery to the hub's webhook endpoint and returns the answer's outcomes.
func postDelivery(t *testing.T, h *hubtest.Hub, conn string, d delivery) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("POST", h.URL+"/v1/webhooks/"+conn, bytes.NewReader(d.body))
	for k, v := range d.header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %d %v, want 200 (a replay is acknowledged)", resp.StatusCode, out)
	}
	return out["outcomes"].(map[string]any)
}

// TestWebhookReplaysAcknowledgedNotApplied (finding 6 of the review, 9 of the issue): a valid Zendesk
// delivery posted again is answered 200 and not applied; a delivery with a new event id but older
// than the newest change already received for that user is not applied either.
func TestWebhookReplaysAcknowledgedNotApplied(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	zd := e.zd.em.(*zendeskemu.Emulator)
	tap := &wiretap{}
	srv := httptest.NewServer(tap)
	t.Cleanup(srv.Close)
	zd.AddWebhook(srv.URL)
	user := e.users[e.zd][0]

	if err := zd.Change(user, "away"); err != nil {
		t.Fatal(err)
	}
	testwait.Within(t, 5*time.Second, "lunch from zendesk away", func() bool { return e.status(t, 0) == "lunch" && tap.count() >= 1 })
	n := tap.count()
	var away delivery // the unified state event the hub applies (Zendesk also sends per-channel ones)
	for i := range n {
		if d := tap.get(i); bytes.Contains(d.body, []byte(zendeskemu.EventUnifiedStateChanged)) {
			away = d
		}
	}
	if err := zd.Change(user, "online"); err != nil {
		t.Fatal(err)
	}
	testwait.Within(t, 5*time.Second, "available from zendesk online", func() bool { return e.status(t, 0) == "available" && tap.count() > n })

	if out := postDelivery(t, h, e.zd.conn, away); out["replayed"] != float64(1) || out["applied"] != nil {
		t.Fatalf("replayed delivery: outcomes %v, want replayed", out)
	}
	// The same event, re-signed with a new id: older than what Zendesk already said about the user.
	var env map[string]any
	if err := json.Unmarshal(away.body, &env); err != nil {
		t.Fatal(err)
	}
	env["id"] = ulid.Make().String()
	body, _ := json.Marshal(env)
	if out := postDelivery(t, h, e.zd.conn, delivery{zd.Sign(body), body}); out["stale"] != float64(1) || out["applied"] != nil {
		t.Fatalf("older delivery: outcomes %v, want stale", out)
	}
	if got := e.status(t, 0); got != "available" {
		t.Fatalf("status %q after replays, want available kept", got)
	}
}
