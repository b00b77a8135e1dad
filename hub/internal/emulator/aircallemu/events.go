package aircallemu

import (
	"encoding/json"
	"log/slog"
	"slices"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/shared/logkey"
)

// AgentStateEvents are the events AddWebhook subscribes to: the v1 user events about availability and
// wrap-up, and the call events that bracket "on a call".
var AgentStateEvents = []string{"user.opened", "user.closed", "user.wut_start", "user.wut_end", "call.answered", "call.ended"}

// userEventNames are the user events; each also exists as "<name>.v2" (payload: the v2 user object).
var userEventNames = []string{"user.created", "user.deleted", "user.connected", "user.disconnected",
	"user.opened", "user.closed", "user.wut_start", "user.wut_end"}

// callEventNames are the call events a webhook can subscribe to.
var callEventNames = []string{"call.created", "call.ringing_on_agent", "call.answered", "call.transferred",
	"call.unsuccessful_transfer", "call.hungup", "call.ended", "call.voicemail_left", "call.assigned",
	"call.archived", "call.tagged", "call.untagged", "call.commented"}

// allEvents is what a webhook created without "events" receives.
func allEvents() []string {
	out := make([]string, 0, 2*len(userEventNames)+len(callEventNames))
	for _, n := range userEventNames {
		out = append(out, n, n+".v2")
	}
	return append(out, callEventNames...)
}

// knownEvent reports whether name is an event webhooks can subscribe to.
func knownEvent(name string) bool { return slices.Contains(allEvents(), name) }

// event is one webhook event, its data rendered when it happened.
type event struct {
	name     string
	resource string
	data     any
	time     time.Time
}

// userEvents renders a user event in its v1 (v1 user object) and v2 (v2 user object) forms.
func userEvents(name string, u *user, base string) []event {
	t := now()
	return []event{{name: name, resource: "user", data: u.v1(base), time: t},
		{name: name + ".v2", resource: "user", data: u.v2(base), time: t}}
}

// callEvent renders a call event about u's current call.
func callEvent(name string, u *user, base string) event {
	return event{name: name, resource: "call", data: u.call.render(u, base), time: now()}
}

// envelope is the body of every delivery.
type envelope struct {
	Resource  string `json:"resource"`
	Event     string `json:"event"`
	Timestamp int64  `json:"timestamp"`
	Token     string `json:"token"`
	Data      any    `json:"data"`
}

// fire queues evs to every active webhook subscribed to them; fireMu must be held (not mu), so that
// deliveries keep the order of the changes.
func (e *Emulator) fire(evs []event) {
	if len(evs) == 0 {
		return
	}
	e.mu.Lock()
	hooks := make([]webhook, 0, len(e.hooks))
	for _, h := range e.hooks {
		if h.active {
			hooks = append(hooks, *h)
		}
	}
	sender := e.sender
	e.mu.Unlock()
	for _, ev := range evs {
		body, err := json.Marshal(envelope{Resource: ev.resource, Event: ev.name, Timestamp: ev.time.Unix(), Token: e.opts.WebhookToken, Data: ev.data})
		if err != nil {
			e.opts.Log.Error("encoding aircall webhook", slog.Any(logkey.Error, err))
			continue
		}
		for _, h := range hooks {
			if slices.Contains(h.events, ev.name) {
				sender.Send(emulator.Delivery{URL: h.url, Header: e.Sign(body), Body: body})
			}
		}
	}
}

// AddWebhook subscribes url to AgentStateEvents, as POST /v1/webhooks would.
func (e *Emulator) AddWebhook(url string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.addHook("presence-hub", url, slices.Clone(AgentStateEvents))
}
