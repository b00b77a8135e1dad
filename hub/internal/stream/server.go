// Package stream serves GET /v1/stream: the websocket over which trays and supervisors receive presence
// live (github.com/coder/websocket). Every connection starts with a snapshot, then gets events from the
// bus; a connection that cannot keep up is closed (its client reconnects and resyncs), so one slow
// consumer never delays the others.
package stream

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// Subprotocol is the required, versioned websocket subprotocol.
const Subprotocol = "presencehub.v1"

// tokenProtocolPrefix lets clients that cannot set headers pass their token as a subprotocol.
const tokenProtocolPrefix = "presencehub.token."

// defaultIdleAfter: a client quiet this long loses its reader goroutine until it sends again. Under
// the heartbeat's interval, so pongs alone do not keep a goroutine.
const defaultIdleAfter = 5 * time.Second

// Close codes beyond the standard ones.
const (
	// StatusSignInRequired closes a stream whose device was revoked: the client must pair again.
	StatusSignInRequired websocket.StatusCode = 4401
)

// Store is what the stream reads.
type Store interface {
	DeviceByTokenHash(ctx context.Context, hash string) (*model.Device, error)
	TouchDevices(ctx context.Context, seen map[string]time.Time) error
	GetAgent(ctx context.Context, tenantID, id string) (*model.Agent, error)
	GetTeam(ctx context.Context, tenantID, id string) (*model.Team, error)
	ListAgents(ctx context.Context, tenantID, teamID string, p store.Page) ([]*model.Agent, string, error)
	ListPresences(ctx context.Context, tenantID string, agentIDs []string) ([]*model.Presence, error)
	GetConnection(ctx context.Context, tenantID, id string) (*model.Connection, error)
	LatestWrite(ctx context.Context, tenantID, agentID, connectionID string) (*model.OutboxWrite, error)
}

// Options tune the stream.
type Options struct {
	// OriginPatterns are the browser origins allowed besides the hub's own (never "*").
	OriginPatterns []string
	// Heartbeat is the ping interval (default 15s); a ping unanswered within it closes the stream, and
	// so does a write still blocked a whole interval after a heartbeat saw it (a client that stopped
	// reading).
	Heartbeat time.Duration
	// QueueSize bounds the messages waiting for one connection (default 64); overflow closes it.
	QueueSize int
	Clock     Clock
	// StateNames names the vendors' states in the tray's vendor lines (nil: codes only).
	StateNames StateNamer
}

// StateNamer gives the vendor's own name for a connection's state without asking the vendor, or "".
type StateNamer interface {
	StateName(ctx context.Context, c *model.Connection, state string) string
}

// Server is the websocket endpoint.
type Server struct {
	st     Store
	engine *presence.Engine
	authn  *auth.Authenticator
	log    *slog.Logger
	opts   Options
	reg    *registry
	poll   *poller // nil: each connection has a reader goroutine
	// idleAfter is how long a connection's reader goroutine outlives the client's latest message
	// before the connection goes back to the poller (see readReady).
	idleAfter time.Duration
	beats     *heartbeats
	work      *workers
	ctx       context.Context // ends when the hub stops

	devices deviceCache // token checks and last-seen writes of devices that connected before
	seen    *lastSeen   // last-seen writes, several connects to a transaction

	vrefresh vendorRefresh
}

// New returns the endpoint and subscribes it to b until ctx ends.
func New(ctx context.Context, st Store, engine *presence.Engine, authn *auth.Authenticator, b bus.Bus, log *slog.Logger, opts Options) *Server {
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 64
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	s := &Server{st: st, engine: engine, authn: authn, log: log, opts: opts, reg: newRegistry(), ctx: ctx, idleAfter: defaultIdleAfter}
	s.devices.maxSize = defaultMaxCachedDevices
	s.beats = startHeartbeats(ctx, opts.Clock, opts.Heartbeat)
	if p, err := startPoller(ctx); err == nil {
		s.poll = p
	} else {
		log.Debug("idle streams keep a reader goroutine each", slog.Any(logkey.Error, err))
	}
	s.work = startWorkers(ctx)
	s.seen = startLastSeen(ctx, func(ctx context.Context, seen map[string]time.Time) error { return st.TouchDevices(ctx, seen) })
	cancel := b.Subscribe(s.dispatch)
	context.AfterFunc(ctx, cancel)
	return s
}

// ServeHTTP authenticates, negotiates the subprotocol and runs the connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	offered := offeredProtocols(r)
	if !slices.Contains(offered, Subprotocol) {
		http.Error(w, "websocket subprotocol "+Subprotocol+" required", http.StatusBadRequest)
		return
	}
	token := r.Header.Get("Authorization")
	for _, p := range offered {
		if t, ok := strings.CutPrefix(p, tokenProtocolPrefix); ok && token == "" {
			token = "Bearer " + t
		}
	}
	who, err := s.authenticate(r.Context(), token, r.URL.Query().Get("tenant"))
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="presence-hub"`)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	sb := smallBuffers{ResponseWriter: w, out: &sockWriter{}, in: &rawSocket{}}
	ws, err := websocket.Accept(sb, r, &websocket.AcceptOptions{
		Subprotocols: []string{Subprotocol}, OriginPatterns: s.opts.OriginPatterns, CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		s.log.Info("websocket rejected", slog.Any(logkey.Error, err))
		return
	}
	// The handler returns once the snapshot is out; net/http then frees the request, its buffers and
	// this goroutine's stack, and the connection carries on without it (see run).
	if c := newConn(s, ws, who, sb); c.start() {
		c.run()
	}
}

func offeredProtocols(r *http.Request) []string {
	var out []string
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}
