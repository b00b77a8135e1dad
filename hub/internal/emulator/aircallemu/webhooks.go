package aircallemu

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// maxWebhooks is Aircall's per-company limit.
const maxWebhooks = 100

// webhook is one subscription.
type webhook struct {
	id         string
	customName string
	url        string
	active     bool
	events     []string
	createdAt  time.Time
}

// webhookJSON is the webhook object.
type webhookJSON struct {
	WebhookID  string   `json:"webhook_id"`
	DirectLink string   `json:"direct_link"`
	CreatedAt  string   `json:"created_at"`
	CustomName string   `json:"custom_name"`
	URL        string   `json:"url"`
	Active     bool     `json:"active"`
	Token      string   `json:"token"`
	Events     []string `json:"events"`
}

func (e *Emulator) renderHook(h *webhook, base string) webhookJSON {
	return webhookJSON{WebhookID: h.id, DirectLink: base + "/v1/webhooks/" + h.id, CreatedAt: stamp(h.createdAt),
		CustomName: h.customName, URL: h.url, Active: h.active, Token: e.opts.WebhookToken, Events: slices.Clone(h.events)}
}

// addHook registers a webhook and starts the sender if needed; mu must be held.
func (e *Emulator) addHook(name, target string, events []string) *webhook {
	if e.sender == nil {
		e.sender = emulator.NewSender(e.opts.Log)
	}
	h := &webhook{id: newUUID(), customName: name, url: target, active: true, events: events, createdAt: now()}
	e.hooks = append(e.hooks, h)
	return h
}

// findHook finds a webhook by id; mu must be held.
func (e *Emulator) findHook(id string) (int, *webhook) {
	for i, h := range e.hooks {
		if h.id == id {
			return i, h
		}
	}
	return -1, nil
}

// hookInput is the body of POST and PUT /v1/webhooks; nil fields were omitted.
type hookInput struct {
	CustomName *string   `json:"custom_name"`
	URL        *string   `json:"url"`
	Events     *[]string `json:"events"`
	Active     *bool     `json:"active"`
}

// check validates the input; omitted (or empty) events mean every event, on PUT too.
func (in *hookInput) check(creating bool) (events []string, msg string) {
	if in.URL != nil || creating {
		if in.URL == nil {
			return nil, "url is required"
		}
		u, err := url.Parse(*in.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, "url must be an absolute http(s) URL"
		}
	}
	if in.Events == nil || len(*in.Events) == 0 {
		return allEvents(), ""
	}
	for _, ev := range *in.Events {
		if !knownEvent(ev) {
			return nil, fmt.Sprintf("unknown event %q", ev)
		}
		if !slices.Contains(events, ev) {
			events = append(events, ev)
		}
	}
	return events, ""
}

func (e *Emulator) createWebhook(w http.ResponseWriter, r *http.Request) {
	var in hookInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		badRequest(w, "body must be a JSON object")
		return
	}
	events, msg := in.check(true)
	if msg != "" {
		badRequest(w, msg)
		return
	}
	name := "Webhook"
	if in.CustomName != nil {
		name = *in.CustomName
	}
	e.mu.Lock()
	if len(e.hooks) >= maxWebhooks {
		e.mu.Unlock()
		badRequest(w, fmt.Sprintf("a company can have at most %d webhooks", maxWebhooks))
		return
	}
	out := e.renderHook(e.addHook(name, *in.URL, events), baseURL(r))
	e.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"webhook": out})
}

func (e *Emulator) listWebhooks(w http.ResponseWriter, r *http.Request) {
	pg, ok := parsePage(w, r)
	if !ok {
		return
	}
	e.mu.Lock()
	lo, hi := pg.bounds(len(e.hooks))
	out := make([]webhookJSON, 0, hi-lo)
	for _, h := range e.hooks[lo:hi] {
		out = append(out, e.renderHook(h, baseURL(r)))
	}
	total := len(e.hooks)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"meta": pg.meta(r, len(out), total), "webhooks": out})
}

func (e *Emulator) getWebhook(w http.ResponseWriter, r *http.Request, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, h := e.findHook(id)
	if h == nil {
		notFound(w, "webhook")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhook": e.renderHook(h, baseURL(r))})
}

func (e *Emulator) updateWebhook(w http.ResponseWriter, r *http.Request, id string) {
	var in hookInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		badRequest(w, "body must be a JSON object")
		return
	}
	events, msg := in.check(false)
	if msg != "" {
		badRequest(w, msg)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, h := e.findHook(id)
	if h == nil {
		notFound(w, "webhook")
		return
	}
	h.events = events
	if in.URL != nil {
		h.url = *in.URL
	}
	if in.CustomName != nil {
		h.customName = *in.CustomName
	}
	if in.Active != nil {
		h.active = *in.Active
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhook": e.renderHook(h, baseURL(r))})
}

func (e *Emulator) deleteWebhook(w http.ResponseWriter, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, h := e.findHook(id)
	if h == nil {
		notFound(w, "webhook")
		return
	}
	e.hooks = slices.Delete(e.hooks, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
