// Package bus carries hub events from the presence engine (and the API) to everything that fans them
// out: websocket streams, the vendor outbox and caches — in one process (Local) or across the replicas
// sharing a database (NATS). Publishers never wait for subscribers; subscribers must not block.
package bus

import (
	"context"
	"sync"
	"time"

	"presencehub.dev/hub/internal/model"
)

// Kinds of events.
const (
	// KindPresence: an agent's presence changed.
	KindPresence = "presence"
	// KindKeysChanged: an API key was deleted; replicas drop the keys they cached.
	KindKeysChanged = "keys_changed"
	// KindDeviceRevoked: a device's token was revoked; its streams must close.
	KindDeviceRevoked = "device_revoked"
	// KindAgentChanged: an agent's teams or identities changed; caches must reload.
	KindAgentChanged = "agent_changed"
	// KindWrite: the outcome of a vendor write of an agent changed (delivered, retrying, held, dead);
	// the agent's devices refresh what each connected system shows.
	KindWrite = "write"
	// KindTenantChanged: a tenant's catalog, settings, connections or rules changed; caches of them
	// must reload.
	KindTenantChanged = "tenant_changed"
	// KindWriteExpected: a vendor write is about to be sent (ConnectionID, ExternalID, VendorState),
	// so every replica recognises its echo, whichever receives the vendor's notification; published
	// again with Answered once the vendor answered it.
	KindWriteExpected = "write_expected"
	// KindResync: this replica may have missed events of others (its bus connection was lost and is
	// back); local caches must reload and streams resync. Never sent to other replicas.
	KindResync = "resync"
)

// Event is one message on the bus.
type Event struct {
	Kind     string
	TenantID string
	AgentID  string
	TeamIDs  []string // the agent's teams, for supervisor fanout
	DeviceID string
	Presence *model.Presence
	// Blocked explains, for a presence in a system state, why agent changes wait.
	Blocked string
	// Unlinked says the agent has no identity in any connected system (KindPresence), so no device
	// needs its vendor lines refreshed. False when unknown (an older replica's event).
	Unlinked bool
	// Writes counts the vendor writes queued in the same transaction as the change (KindPresence), or
	// queued without a change (KindWrite: what a held change resolved unapplied owes its sources), so
	// the outbox wakes only when there is something to send.
	Writes int
	// ConnectionID, ExternalID and VendorState describe a vendor write (KindWriteExpected).
	ConnectionID string
	ExternalID   string
	VendorState  string
	// Answered is when the vendor answered that write (KindWriteExpected; zero: it is about to be sent).
	Answered time.Time
	// TimedOut says the write's request timed out at Answered: the vendor may still apply it a little later.
	TimedOut bool
	// Remote is set on events that another replica published.
	Remote bool
}

// Bus publishes events to subscribers.
type Bus interface {
	Publish(ctx context.Context, e Event) error
	// Subscribe calls fn for every event until cancel is called. fn runs on the publisher's goroutine
	// and must return quickly.
	Subscribe(fn func(Event)) (cancel func())
}

// Local is the in-process bus of a single hub.
type Local struct {
	mu   sync.RWMutex
	next int
	subs map[int]func(Event)
}

// NewLocal returns an empty in-process bus.
func NewLocal() *Local { return &Local{subs: map[int]func(Event){}} }

// Publish delivers e to every subscriber.
func (b *Local) Publish(_ context.Context, e Event) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, fn := range b.subs {
		fn(e)
	}
	return nil
}

// Subscribe registers fn.
func (b *Local) Subscribe(fn func(Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}
