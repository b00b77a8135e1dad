// Package controller is the tray's behaviour without its widgets: it signs in (pairing code → device
// token in the keyring), keeps the live stream to the hub running, turns what the stream delivers into
// model.State for the view, sends the agent's status changes (holding those made while disconnected
// until the next snapshot shows whether the hub moved on), and signs out (revoking the token on the
// hub and deleting it from the keyring). It never imports fyne: the view is an interface, so the
// end-to-end test drives exactly the code path the tray's menu and window use.
package controller

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"presencehub.dev/desktop/internal/hubapi"
	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/secrets"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/logkey"
	"presencehub.dev/shared/streamclient"
)

// Stream is the live connection to the hub (a *streamclient.Client).
type Stream interface {
	Run(ctx context.Context) error
	Updates() <-chan streamclient.Update
	SetStatus(ctx context.Context, status string) (*phv1.Ack, error)
}

// Hub makes the REST calls around the stream (a hubapi.Client).
type Hub interface {
	Pair(ctx context.Context, hubURL, code, deviceName string) (hubapi.Paired, error)
	SignOut(ctx context.Context, hubURL, token string) error
}

// Secrets keeps the credentials (a secrets.Store).
type Secrets interface {
	Load() (secrets.Credentials, error)
	Save(secrets.Credentials) error
	Delete() error
}

// View shows the state and notices. Its methods are called with the controller's lock held, in the
// order of the changes, so they must return quickly (queue the work, e.g. with fyne.Do).
type View interface {
	Show(model.State)
	Notify(model.Notice)
}

// Options configure a Controller. Hub, Secrets and View are required.
type Options struct {
	Log     *slog.Logger
	Hub     Hub
	Secrets Secrets
	View    View
	// NewStream makes the stream for a signed-in device; nil means a streamclient.Client.
	NewStream func(hubURL, token string) Stream
	// MaxBackoff bounds the delay between reconnects of the stream; zero means the stream client's
	// default (30 s).
	MaxBackoff time.Duration
	// DeviceName is sent when pairing (shown to admins); the host name is a good one.
	DeviceName string
	// Tenant, when set (IT policy), is the only tenant id a pairing code may belong to; a device paired
	// into another tenant is revoked again at once.
	Tenant string
	// Started is when the process started, to log the time to the first snapshot.
	Started time.Time
	Now     func() time.Time
}

// Controller runs the tray's session. Its methods are safe for concurrent use.
type Controller struct {
	o   Options
	log *slog.Logger

	mu          sync.Mutex
	st          model.State
	creds       secrets.Credentials
	ctx         context.Context // the app's lifetime, from Start
	run         *running        // the current stream, or nil
	gen         int             // increases with every stream, so late updates of an old one are dropped
	loggedFirst bool            // the first snapshot was logged
}

// running is one stream and how to stop it.
type running struct {
	stream Stream
	cancel context.CancelFunc
	done   chan struct{} // closed when both Run and the update loop have returned
}

// New returns a Controller; nothing happens until Start.
func New(o Options) *Controller {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Started.IsZero() {
		o.Started = o.Now()
	}
	return &Controller{o: o, log: o.Log.With(slog.String(logkey.Component, "tray"))}
}

// State returns the current state.
func (c *Controller) State() model.State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// Start loads the saved sign-in and, when there is one, connects; otherwise the state is SignedOut and
// the view should offer the sign-in window. hubURL prefills the state for that window. It returns an
// error (wrapping secrets.ErrUnavailable) only when the keyring cannot be read at all. ctx bounds
// everything the controller runs.
func (c *Controller) Start(ctx context.Context, hubURL string) error {
	creds, err := c.o.Secrets.Load()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ctx = ctx
	c.st.HubURL = hubURL
	switch {
	case err == nil:
		c.connect(creds)
		return nil
	case isNotFound(err):
		c.log.Info("not signed in")
		c.show()
		return nil
	default:
		c.log.Error("reading the keyring", slog.Any(logkey.Error, err))
		c.show()
		return err
	}
}

// connect starts a stream for creds. Called with c.mu held.
func (c *Controller) connect(creds secrets.Credentials) {
	c.creds = creds
	c.gen++
	gen := c.gen
	newStream := c.o.NewStream
	if newStream == nil {
		newStream = c.newStreamClient
	}
	s := newStream(creds.HubURL, creds.Token)
	ctx, cancel := context.WithCancel(c.ctx)
	r := &running{stream: s, cancel: cancel, done: make(chan struct{})}
	c.run = r
	c.st.HubURL = creds.HubURL
	c.st.DeviceID, c.st.TenantID, c.st.AgentID = creds.DeviceID, creds.TenantID, creds.AgentID
	c.st, _ = c.st.WithConn(model.Connecting, "")
	c.show()
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Run(ctx); err != nil {
			c.log.Info("stream ended", slog.Any(logkey.Error, err))
		}
	})
	wg.Go(func() { c.consume(gen, s) })
	go func() {
		wg.Wait()
		close(r.done)
	}()
}

func (c *Controller) newStreamClient(hubURL, token string) Stream {
	return streamclient.New(streamclient.Options{HubURL: hubURL, Token: token, Log: c.o.Log, MaxBackoff: c.o.MaxBackoff,
		Header: map[string][]string{"User-Agent": {UserAgent}}})
}

// UserAgent is sent to the hub.
var UserAgent = "presence-tray"

// stop ends the current stream and waits for it. Called without c.mu held.
func (c *Controller) stop() {
	c.mu.Lock()
	r := c.run
	c.run = nil
	c.gen++
	c.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
}

// Close stops the stream; the controller is done.
func (c *Controller) Close() { c.stop() }

// show hands the state to the view. Called with c.mu held.
func (c *Controller) show() { c.o.View.Show(c.st) }

func (c *Controller) notify(notes []model.Notice) {
	for _, n := range notes {
		c.log.Info("notifying", slog.String(logkey.Result, n.Title))
		c.o.View.Notify(n)
	}
}
