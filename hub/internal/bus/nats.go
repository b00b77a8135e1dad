package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"

	"presencehub.dev/shared/logkey"
)

// NATSOptions configure a NATS bus.
type NATSOptions struct {
	// URL of the NATS server(s), comma-separated, e.g. "nats://127.0.0.1:4222".
	URL string
	// Prefix starts every subject; replicas of one hub share it, other hubs on the same NATS use
	// another (e.g. "presencehub.prod").
	Prefix string
	// Origin names this replica; its own events coming back from NATS are dropped.
	Origin string
	// Log receives connection changes; nil discards them.
	Log *slog.Logger
	// ReconnectWait is the pause between reconnect attempts (default 1s).
	ReconnectWait time.Duration
}

// NATS is the bus of a hub with several replicas: local subscribers get every local event at once,
// as with Local, and the event goes to the other replicas through NATS core (one subject per tenant and
// kind, under Prefix); events of other replicas reach local subscribers with Remote set. An event is
// never delivered twice to one replica. While the connection is down, NATS keeps reconnecting and
// buffers what is published; events of other replicas published meanwhile are lost, so on reconnect
// local subscribers get a KindResync event.
type NATS struct {
	local  *Local
	nc     *nats.Conn
	sub    *nats.Subscription
	prefix string
	origin string
	log    *slog.Logger
}

var _ Bus = (*NATS)(nil)

// NewNATS connects to NATS and subscribes to the other replicas' events. The first connection must
// succeed; later losses are reconnected for ever.
func NewNATS(opts NATSOptions) (*NATS, error) {
	if opts.Prefix == "" || opts.Origin == "" {
		return nil, errors.New("nats bus: prefix and origin are required")
	}
	if opts.ReconnectWait <= 0 {
		opts.ReconnectWait = time.Second
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &NATS{local: NewLocal(), prefix: opts.Prefix, origin: opts.Origin, log: log.With(slog.String(logkey.Component, "bus"))}
	nc, err := nats.Connect(opts.URL,
		nats.Name("presence-hub "+opts.Origin),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(opts.ReconnectWait),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil { // nil: closed on purpose
				b.log.Warn("nats bus disconnected; reconnecting", slog.Any(logkey.Error, err))
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			b.log.Info("nats bus reconnected; resyncing", slog.String(logkey.URL, nc.ConnectedUrlRedacted()))
			_ = b.local.Publish(context.Background(), Event{Kind: KindResync})
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			b.log.Warn("nats bus error", slog.Any(logkey.Error, err))
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("connecting to nats %s: %w", opts.URL, err)
	}
	b.nc = nc
	if b.sub, err = nc.Subscribe(opts.Prefix+".>", b.receive); err != nil {
		nc.Close()
		return nil, fmt.Errorf("subscribing to %s.>: %w", opts.Prefix, err)
	}
	// Deliver other replicas' events however fast they come: a slow consumer drops, never blocks NATS.
	if err := b.sub.SetPendingLimits(1<<20, 256<<20); err != nil {
		nc.Close()
		return nil, fmt.Errorf("sizing the nats subscription: %w", err)
	}
	if err := nc.Flush(); err != nil { // the subscription is in place before the hub serves
		nc.Close()
		return nil, fmt.Errorf("subscribing to %s.>: %w", opts.Prefix, err)
	}
	return b, nil
}

// Publish delivers e to local subscribers, then sends it to the other replicas. KindResync stays local.
func (b *NATS) Publish(ctx context.Context, e Event) error {
	_ = b.local.Publish(ctx, e)
	if e.Remote || e.Kind == KindResync {
		return nil
	}
	data, err := encode(b.origin, e)
	if err != nil {
		return err
	}
	subj := subject(b.prefix, e)
	if err := b.nc.Publish(subj, data); err != nil {
		return fmt.Errorf("publishing to %s: %w", subj, err)
	}
	return nil
}

// Subscribe registers fn for local and remote events.
func (b *NATS) Subscribe(fn func(Event)) func() { return b.local.Subscribe(fn) }

// receive hands another replica's event to local subscribers (NATS calls it on one goroutine, in order).
func (b *NATS) receive(m *nats.Msg) {
	e, origin, err := decode(m.Data)
	if err != nil {
		b.log.Warn("nats bus: dropping an event", slog.String(logkey.Subject, m.Subject), slog.Any(logkey.Error, err))
		return
	}
	if origin == b.origin {
		return // our own, delivered locally when published
	}
	_ = b.local.Publish(context.Background(), e)
}

// Close sends what is still buffered (for up to timeout) and disconnects.
func (b *NATS) Close(timeout time.Duration) {
	_ = b.sub.Unsubscribe()
	_ = b.nc.FlushTimeout(timeout)
	b.nc.Close()
}
