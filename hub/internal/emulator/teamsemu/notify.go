package teamsemu

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// changed notifies every live subscription covering u when its aggregate presence moved since the
// last notification; the caller holds e.mu.
func (e *Emulator) changed(u *user) {
	now := e.now()
	p := u.aggregate(now)
	if p == u.last {
		return
	}
	u.last = p
	for id, s := range e.subs {
		if e.live(id) == nil || s.reauth || !(s.all || slices.Contains(s.ids, u.id)) {
			continue
		}
		item := map[string]any{"subscriptionId": s.ID, "clientState": s.ClientState, "changeType": "updated",
			"tenantId": e.opts.TenantID, "resource": "communications/presences/" + u.id,
			"subscriptionExpirationDateTime": s.Expires.Format(time.RFC3339Nano),
			"resourceData":                   map[string]string{"@odata.id": "users/" + u.id + "/presence", "@odata.type": "#microsoft.graph.presence", "id": u.id}}
		e.send(s.NotificationURL, map[string]any{"value": []any{item}})
	}
}

// Lifecycle sends a lifecycle notification (LifecycleReauthorize, LifecycleRemoved, LifecycleMissed)
// for subscription id to its lifecycleNotificationUrl; a removed subscription is deleted.
func (e *Emulator) Lifecycle(id, event string) error {
	defer e.flush()
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.live(id)
	switch {
	case s == nil:
		return fmt.Errorf("teams emulator: no subscription %q", id)
	case s.LifecycleURL == "":
		return fmt.Errorf("teams emulator: subscription %s has no lifecycleNotificationUrl", id)
	}
	switch event {
	case LifecycleReauthorize:
		s.reauth = true
	case LifecycleRemoved:
		delete(e.subs, id)
	case LifecycleMissed:
	default:
		return fmt.Errorf("teams emulator: no lifecycle event %q", event)
	}
	e.send(s.LifecycleURL, map[string]any{"value": []any{map[string]any{"subscriptionId": s.ID, "clientState": s.ClientState,
		"tenantId": e.opts.TenantID, "lifecycleEvent": event, "subscriptionExpirationDateTime": s.Expires.Format(time.RFC3339Nano)}}})
	return nil
}

// send queues a notification; the caller holds e.mu, and flush hands it to the sender once e.mu is
// released (a full sender must not block the API the notified endpoint may call back).
func (e *Emulator) send(u string, v any) {
	b, _ := json.Marshal(v)
	e.outq = append(e.outq, emulator.Delivery{URL: u, Body: b})
}

// flush hands the queued notifications to the sender, in order.
func (e *Emulator) flush() {
	e.flushMu.Lock()
	defer e.flushMu.Unlock()
	e.mu.Lock()
	q := e.outq
	e.outq = nil
	e.mu.Unlock()
	for _, d := range q {
		e.sender.Send(d)
	}
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
