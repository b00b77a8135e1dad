package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
)

// session is one signed-in browser. The API key never leaves the server.
type session struct {
	id     string
	csrf   string // sent back in every state-changing form (hidden field) or X-CSRF-Token header
	key    string
	who    Identity
	tenant string // the tenant being looked at: the key's own, or the one a hub-wide key picked
	seen   time.Time
}

// sessions are this replica's signed-in browsers, ended after an idle timeout.
type sessions struct {
	clk  clock.Clock
	idle time.Duration
	mu   sync.Mutex
	byID map[string]*session
}

func newSessions(clk clock.Clock, idle time.Duration) *sessions {
	return &sessions{clk: clk, idle: idle, byID: map[string]*session{}}
}

// create starts a session for key.
func (s *sessions) create(key string, who Identity) *session {
	now := s.clk.Now()
	ss := &session{id: randomToken(), csrf: randomToken(), key: key, who: who, tenant: who.TenantID, seen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.byID { // sweep: sign-ins are rare, so this stays cheap
		if now.Sub(old.seen) > s.idle {
			delete(s.byID, id)
		}
	}
	s.byID[ss.id] = ss
	return ss
}

// get returns the live session id names and marks it used; an idle one is ended.
func (s *sessions) get(id string) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byID[id]
	if !ok {
		return session{}, false
	}
	now := s.clk.Now()
	if now.Sub(ss.seen) > s.idle {
		delete(s.byID, id)
		return session{}, false
	}
	ss.seen = now
	return *ss, true
}

// setTenant changes the tenant a session looks at.
func (s *sessions) setTenant(id, tenant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss, ok := s.byID[id]; ok {
		ss.tenant = tenant
	}
}

// end signs a session out.
func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

// randomToken is 256 bits from the system's CSPRNG, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sameToken compares tokens in constant time.
func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
