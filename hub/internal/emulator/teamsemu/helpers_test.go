package teamsemu_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator/teamsemu"
)

// start is the fake clock's start in every test.
var start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func serve(t *testing.T, opts teamsemu.Options) (*teamsemu.Emulator, *httptest.Server, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(start)
	opts.Clock = clk
	em := teamsemu.New(opts)
	srv := httptest.NewServer(em)
	t.Cleanup(func() { srv.Close(); em.Close() })
	return em, srv, clk
}

// hook is a notification endpoint: it answers the validation handshake (unless refuse) and keeps
// every notification's body.
type hook struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
	refuse bool
}

func newHook(t *testing.T) *hook {
	t.Helper()
	h := &hook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			h.mu.Lock()
			refuse := h.refuse
			h.mu.Unlock()
			if refuse {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, tok)
			return
		}
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}
