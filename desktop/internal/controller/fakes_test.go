package controller

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/secrets"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/streamclient"
	"presencehub.dev/shared/testwait"
)

// recorder is a View that keeps everything it was shown.
type recorder struct {
	mu      sync.Mutex
	states  []model.State
	notices []model.Notice
}

func newRecorder() *recorder { return &recorder{} }

func (r *recorder) Show(s model.State) {
	r.mu.Lock()
	r.states = append(r.states, s)
	r.mu.Unlock()
}

func (r *recorder) Notify(n model.Notice) {
	r.mu.Lock()
	r.notices = append(r.notices, n)
	r.mu.Unlock()
}

// waitFor waits until cond holds for the last state shown and the notices so far.
func (r *recorder) waitFor(t *testing.T, what string, cond func(model.State, []model.Notice) bool) model.State {
	t.Helper()
	var last model.State
	testwait.Seen(t, testwait.Default, what, func() (bool, string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		last = model.State{}
		if len(r.states) > 0 {
			last = r.states[len(r.states)-1]
		}
		notices := append([]model.Notice(nil), r.notices...)
		return cond(last, notices), fmt.Sprintf("last state %+v, notices %+v", last, notices)
	})
	return last
}

func hasNotice(k model.NoticeKind) func(model.State, []model.Notice) bool {
	return func(_ model.State, ns []model.Notice) bool {
		for _, n := range ns {
			if n.Kind == k {
				return true
			}
		}
		return false
	}
}

// memSecrets is an in-memory keyring.
type memSecrets struct {
	mu    sync.Mutex
	creds *secrets.Credentials
	err   error // returned by Save
}

func (m *memSecrets) Load() (secrets.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.creds == nil {
		return secrets.Credentials{}, secrets.ErrNotFound
	}
	return *m.creds, nil
}

func (m *memSecrets) Save(c secrets.Credentials) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.creds = &c
	return nil
}

func (m *memSecrets) Delete() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.creds = nil
	return nil
}

// fakeHub pairs any code "GOOD" and records sign-outs.
type fakeHub struct {
	mu       sync.Mutex
	signOuts []string
	failOut  error
}

func (h *fakeHub) Pair(_ context.Context, _, code, _ string) (hubapi.Paired, error) {
	if code != "GOOD" {
		return hubapi.Paired{}, hubapi.ErrBadCode
	}
	return hubapi.Paired{Token: "phd_tok", DeviceID: "dev_1", TenantID: "ten_1", AgentID: "agt_1"}, nil
}

func (h *fakeHub) SignOut(_ context.Context, _, token string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.signOuts = append(h.signOuts, token)
	return h.failOut
}

// fakeStream is driven by the test: it publishes what the test pushes and answers SetStatus with ack.
type fakeStream struct {
	updates chan streamclient.Update
	sets    chan string
	answer  func(status string) (*phv1.Ack, error)
	ran     chan struct{}
}

func newFakeStream() *fakeStream {
	return &fakeStream{updates: make(chan streamclient.Update, 16), sets: make(chan string, 16), ran: make(chan struct{}),
		answer: func(string) (*phv1.Ack, error) { return &phv1.Ack{Outcome: "applied"}, nil }}
}

func (f *fakeStream) Run(ctx context.Context) error {
	close(f.ran)
	<-ctx.Done()
	close(f.updates)
	return nil
}

func (f *fakeStream) Updates() <-chan streamclient.Update { return f.updates }

func (f *fakeStream) SetStatus(_ context.Context, status string) (*phv1.Ack, error) {
	f.sets <- status
	return f.answer(status)
}

var errBoom = errors.New("boom")
