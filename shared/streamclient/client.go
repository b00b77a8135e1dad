// Package streamclient is the client of the hub's live presence stream (GET /v1/stream, a websocket
// with subprotocol "presencehub.v1" carrying one protojson phv1.ClientMessage or phv1.ServerMessage per
// text message). The tray app and the load generator use it.
//
// A Client keeps one connection up for as long as Run runs: it reconnects after every drop with
// exponential backoff and full jitter, replaces all state with the snapshot each new connection starts
// with (presence is state, not a log), subscribes again to the teams it was watching, and stops only
// when its context ends or when the hub says the token is no longer good (ErrSignInRequired). Given
// the other replicas of a hub (FallbackURLs), it moves to the next one in turn each time a connection
// drops or cannot be made, so the clients of a replica that dies spread over the survivors.
//
//	c := streamclient.New(streamclient.Options{HubURL: hubURL, Token: deviceToken, Log: log})
//	go func() { err := c.Run(ctx); ... }()
//	for u := range c.Updates() { ... }          // closed once Run has returned
//	ack, err := c.SetStatus(ctx, "lunch")       // waits for a connection, then for the hub's answer
package streamclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/shared/logkey"
)

// Log field keys not in logkey.
const (
	keyRequestID = "request.id"
	keyTeamID    = "team.id"
	keyDeviceID  = "device.id"
	keyCloseCode = "ws.close_code"
)

// Options configure a Client. HubURL and Token are required.
type Options struct {
	// HubURL is the hub's base URL, e.g. "https://hub.example.com"; http and https become ws and wss.
	HubURL string
	// FallbackURLs are base URLs of the hub's other replicas, tried after HubURL, in turn, when a
	// connection drops or fails (a hub behind one load-balanced address needs none).
	FallbackURLs []string
	// Token is sent as "Authorization: Bearer <Token>": a device token ("phd_…") from POST /v1/pair,
	// or an API key for supervisors and load generators.
	Token string
	// Tenant is the tenant id to watch with a hub-wide API key; leave it empty with device tokens and
	// tenant keys.
	Tenant string
	// Log receives connection events; nil discards them.
	Log *slog.Logger
	// HTTPClient dials the hub (its Transport must support HTTP/1.1 upgrades, as http.Transport does);
	// nil means http.DefaultClient.
	HTTPClient *http.Client
	// MinBackoff and MaxBackoff bound the delay between reconnects; zero means 250ms and 30s.
	MinBackoff, MaxBackoff time.Duration
	// Header is added to the upgrade request (e.g. User-Agent).
	Header http.Header
}

// Timeouts; fields of Client so that tests can shorten them.
const (
	defaultHandshakeTimeout = 15 * time.Second // dial, upgrade and first snapshot
	defaultWriteTimeout     = 10 * time.Second
	defaultPingInterval     = 30 * time.Second // ping the hub after this long without hearing from it
)

// Client is a stream client. Its methods are safe for concurrent use.
type Client struct {
	opts Options
	log  *slog.Logger
	pub  *publisher

	handshakeTimeout time.Duration
	writeTimeout     time.Duration
	pingInterval     time.Duration

	mu      sync.Mutex
	started bool
	stopErr error      // set once Run has returned: what requests are answered with from then on
	cur     *session   // the connection whose snapshot arrived, or nil
	queue   []*request // requests waiting to be written, oldest first
	sent    []*request // requests written on cur and not answered yet, oldest first
	teams   []string   // teams subscribed to, subscribed again on every connection
	agentID string     // the own agent, from the last snapshot
	version int64      // the own agent's last known presence version, sent as base_version
}

// New returns a Client; nothing happens until Run.
func New(opts Options) *Client {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		opts:             opts,
		log:              log.With(slog.String(logkey.Component, "streamclient")),
		pub:              newPublisher(),
		handshakeTimeout: defaultHandshakeTimeout,
		writeTimeout:     defaultWriteTimeout,
		pingInterval:     defaultPingInterval,
	}
}

// Updates returns the channel of Updates. It is closed once Run has returned, after the last Update
// (whose State is Disconnected or SignInRequired).
//
// Reading it is never on the critical path: the stream's reader never waits for the consumer. An
// Update not yet taken is merged with the next one (see Update), so a slow consumer gets fewer,
// larger Updates and, when very far behind, only the latest event per agent. A consumer that only
// calls SetStatus (a load generator) may ignore the channel altogether.
func (c *Client) Updates() <-chan Update { return c.pub.ch }

// Run connects to the hub and keeps reconnecting until ctx ends, when it returns nil, or until the hub
// refuses the token or revokes the device, when it returns an error wrapping ErrSignInRequired.
// It also returns at once if HubURL is invalid. Run may be called once per Client.
func (c *Client) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return errors.New("streamclient: Run called twice")
	}
	c.started = true
	c.mu.Unlock()

	err := c.loop(ctx)
	c.stop(err)
	return err
}

func (c *Client) loop(ctx context.Context) error {
	var urls []string
	for _, hub := range append([]string{c.opts.HubURL}, c.opts.FallbackURLs...) {
		u, err := streamURL(hub, c.opts.Tenant)
		if err != nil {
			return fmt.Errorf("deriving stream URL: %w", err)
		}
		urls = append(urls, u)
	}
	if c.opts.Token == "" && c.opts.Header.Get("Authorization") == "" {
		return fmt.Errorf("%w: no token", ErrSignInRequired)
	}
	bo := newFullJitter(c.opts.MinBackoff, c.opts.MaxBackoff)
	var lastErr error
	for attempt := 0; ; attempt++ {
		u := urls[attempt%len(urls)] // the next replica after each drop or failure
		log := c.log.With(slog.String(logkey.Addr, u))
		c.pub.publish(Update{State: Connecting, Err: lastErr})
		lived, err := c.session(ctx, u)
		if ctx.Err() != nil {
			return nil
		}
		if classify(err) == signIn {
			log.Warn("hub requires a new sign-in", slog.Any(logkey.Error, err))
			return fmt.Errorf("%w: %w", ErrSignInRequired, err)
		}
		lastErr = err
		c.pub.publish(Update{State: Disconnected, Err: err})
		bo.connectionEnded(lived)
		delay := bo.NextBackOff()
		attrs := []any{slog.Any(logkey.Error, err), slog.Duration(logkey.Duration, delay)}
		if code := websocket.CloseStatus(err); code >= 0 {
			attrs = append(attrs, slog.Int(keyCloseCode, int(code)))
		}
		log.Info("stream disconnected; reconnecting", attrs...)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// stop ends the Client after Run's loop returned err: it answers every waiting request, publishes the
// final Update and closes the channel.
func (c *Client) stop(err error) {
	final, state := ErrStopped, Disconnected
	switch {
	case errors.Is(err, ErrSignInRequired):
		final, state = err, SignInRequired
	case err != nil:
		final = fmt.Errorf("%w: %w", ErrStopped, err)
	}
	c.mu.Lock()
	c.stopErr = final
	waiting := append(c.queue, c.sent...)
	c.queue, c.sent = nil, nil
	c.mu.Unlock()
	for _, r := range waiting {
		r.finish(reply{err: final})
	}
	c.pub.publish(Update{State: state, Err: err})
	c.pub.close()
}
