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
	board  boardKey // the supervisor board's stream token, if one was made
}

// sessions are this replica's signed-in browsers, ended after an idle timeout.
type sessions struct {
	clk  clock.Clock
	idle time.Duration
	mu   sync.Mutex
	byID map[string]*session
	// ended is called (outside the lock) with each session that ends, signed out or idle.
	ended func(session)
}

func newSessions(clk clock.Clock, idle time.Duration, ended func(session)) *sessions {
	return &sessions{clk: clk, idle: idle, byID: map[string]*session{}, ended: ended}
}

// finish calls ended for each of gone.
func (s *sessions) finish(gone []session) {
	for _, g := range gone {
		if s.ended != nil {
			s.ended(g)
		}
	}
}

// create starts a session for key.
func (s *sessions) create(key string, who Identity) *session {
	now := s.clk.Now()
	ss := &session{id: randomToken(), csrf: randomToken(), key: key, who: who, tenant: who.TenantID, seen: now}
	var gone []session
	s.mu.Lock()
	for id, old := range s.byID { // sweep: sign-ins are rare, so this stays cheap
		if now.Sub(old.seen) > s.idle {
			delete(s.byID, id)
			gone = append(gone, *old)
		}
	}
	s.byID[ss.id] = ss
	s.mu.Unlock()
	s.finish(gone)
	return ss
}

// get returns the live session id names and marks it used; an idle one is ended.
func (s *sessions) get(id string) (session, bool) {
	s.mu.Lock()
	ss, ok := s.byID[id]
	if !ok {
		s.mu.Unlock()
		return session{}, false
	}
	now := s.clk.Now()
	if now.Sub(ss.seen) > s.idle {
		delete(s.byID, id)
		s.mu.Unlock()
		s.finish([]session{*ss})
		return session{}, false
	}
	ss.seen = now
	out := *ss
	s.mu.Unlock()
	return out, true
}

// peek returns a session as it is now, without marking it used or ending it.
func (s *sessions) peek(id string) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss, ok := s.byID[id]; ok {
		return *ss, true
	}
	return session{}, false
}

// setBoard records the session's board key.
func (s *sessions) setBoard(id string, k boardKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss, ok := s.byID[id]; ok {
		ss.board = k
	}
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
	ss, ok := s.byID[id]
	delete(s.byID, id)
	s.mu.Unlock()
	if ok {
		s.finish([]session{*ss})
	}
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
