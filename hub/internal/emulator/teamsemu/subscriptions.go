package teamsemu

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Subscription limits (vendor API reference §8.5).
const (
	// MaxSubscriptionLife is how far ahead a presence subscription may expire.
	MaxSubscriptionLife = time.Hour
	// validationTimeout is how long the notification endpoint has to echo the validation token.
	validationTimeout = 10 * time.Second
)

// Lifecycle events.
const (
	LifecycleReauthorize = "reauthorizationRequired"
	LifecycleRemoved     = "subscriptionRemoved"
	LifecycleMissed      = "missed"
)

// subscription is one change-notification subscription.
type subscription struct {
	ID                  string    `json:"id"`
	Resource            string    `json:"resource"`
	ApplicationID       string    `json:"applicationId"`
	ChangeType          string    `json:"changeType"`
	ClientState         string    `json:"clientState"`
	NotificationURL     string    `json:"notificationUrl"`
	LifecycleURL        string    `json:"lifecycleNotificationUrl,omitempty"`
	Expires             time.Time `json:"expirationDateTime"`
	IncludeResourceData bool      `json:"includeResourceData"`
	ids                 []string
	// all: every user's presence (SubscribeAll's standing subscription).
	all bool
	// reauth: a reauthorizationRequired was sent; notifications wait for PATCH or reauthorize.
	reauth bool
}

// subscriptionIn is the body of POST and PATCH /v1.0/subscriptions.
type subscriptionIn struct {
	ChangeType            string `json:"changeType"`
	NotificationURL       string `json:"notificationUrl"`
	LifecycleURL          string `json:"lifecycleNotificationUrl"`
	Resource              string `json:"resource"`
	ExpirationDateTime    string `json:"expirationDateTime"`
	ClientState           string `json:"clientState"`
	IncludeResourceData   bool   `json:"includeResourceData"`
	EncryptionCertificate string `json:"encryptionCertificate"`
}

var (
	oneRe    = regexp.MustCompile(`^/?communications/presences/([^/?]+)$`)
	filterIn = regexp.MustCompile(`^/?communications/presences\?\$filter=id in \((.*)\)$`)
	quoted   = regexp.MustCompile(`^\s*'([^']+)'\s*$`)
)

// presenceIDs reads the user ids of a presence resource ("" and false when it is not one).
func presenceIDs(resource string) ([]string, bool) {
	if m := oneRe.FindStringSubmatch(resource); m != nil {
		return []string{m[1]}, true
	}
	m := filterIn.FindStringSubmatch(resource)
	if m == nil {
		return nil, false
	}
	var ids []string
	for _, part := range strings.Split(m[1], ",") {
		q := quoted.FindStringSubmatch(part)
		if q == nil {
			return nil, false
		}
		ids = append(ids, q[1])
	}
	return ids, true
}

// expiry reads expirationDateTime: after now and at most MaxSubscriptionLife ahead (400 otherwise).
func (e *Emulator) expiry(w http.ResponseWriter, v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, v)
	now := e.now()
	switch {
	case v == "":
		badField(w, "expirationDateTime", "required")
	case err != nil:
		badField(w, "expirationDateTime", "not an ISO-8601 date and time: %q", v)
	case !t.After(now):
		badField(w, "expirationDateTime", "Subscription expiration can only be in the future.")
	case t.After(now.Add(MaxSubscriptionLife)):
		badField(w, "expirationDateTime", "Subscription expiration can only be %d minutes in the future for presence.", int(MaxSubscriptionLife.Minutes()))
	default:
		return t.UTC(), true
	}
	return time.Time{}, false
}

// createSubscriptionRoute serves POST /v1.0/subscriptions for presence resources.
func (e *Emulator) createSubscriptionRoute(w http.ResponseWriter, r *http.Request, _ []string, tok token) {
	var in subscriptionIn
	if !readJSON(w, r, &in) {
		return
	}
	ids, ok := presenceIDs(in.Resource)
	switch {
	case !ok:
		badField(w, "resource", "unsupported resource %q: want /communications/presences/{id} or /communications/presences?$filter=id in ('…')", in.Resource)
		return
	case len(ids) > MaxPresenceIDs:
		badField(w, "resource", "at most %d ids per subscription, got %d", MaxPresenceIDs, len(ids))
		return
	case in.ChangeType != "updated":
		badField(w, "changeType", "presence supports only \"updated\", not %q", in.ChangeType)
		return
	case in.NotificationURL == "":
		badField(w, "notificationUrl", "required")
		return
	case in.IncludeResourceData && in.EncryptionCertificate == "":
		badField(w, "encryptionCertificate", "required when includeResourceData is true")
		return
	case !tok.delegated && !e.opts.AppOnlySubscriptions:
		graphError(w, http.StatusForbidden, "ExtensionError", "Operation: Create; Exception: [Status Code: Forbidden; Reason: The presence subscription requires delegated permissions (application permissions are not supported).]")
		return
	case len(in.ClientState) > 128:
		badField(w, "clientState", "at most 128 characters")
		return
	}
	exp, ok := e.expiry(w, in.ExpirationDateTime)
	if !ok {
		return
	}
	for _, u := range []string{in.NotificationURL, in.LifecycleURL} {
		if u == "" {
			continue
		}
		if err := e.validate(r.Context(), u); err != nil {
			graphError(w, http.StatusBadRequest, "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. "+err.Error())
			return
		}
	}
	s := &subscription{ID: newID(), Resource: in.Resource, ApplicationID: e.opts.ClientID, ChangeType: in.ChangeType,
		ClientState: in.ClientState, NotificationURL: in.NotificationURL, LifecycleURL: in.LifecycleURL, Expires: exp,
		IncludeResourceData: in.IncludeResourceData, ids: ids}
	e.mu.Lock()
	e.subs[s.ID] = s
	out := s.render(r)
	e.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

// validate POSTs the validation token to url and expects it back, 200 text/plain, within 10 s.
func (e *Emulator) validate(ctx context.Context, u string) error {
	tokenv := "Validation: Testing client application reachability for subscription Request-Id: " + newID()
	ctx, cancel := context.WithTimeout(ctx, validationTimeout)
	defer cancel()
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u+sep+"validationToken="+url.QueryEscape(tokenv), nil)
	if err != nil {
		return fmt.Errorf("bad url: %w", err)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := e.opts.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("request failed: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("response status %d", resp.StatusCode)
	case mt != "text/plain":
		return fmt.Errorf("response content type %q, want text/plain", mt)
	case string(body) != tokenv:
		return fmt.Errorf("the response does not echo the validation token")
	}
	return nil
}

func (s *subscription) render(r *http.Request) map[string]any {
	b, _ := json.Marshal(s)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	out["expirationDateTime"] = s.Expires.Format("2006-01-02T15:04:05.0000000Z")
	if r != nil {
		out["@odata.context"] = baseURL(r) + "/v1.0/$metadata#subscriptions/$entity"
	}
	return out
}

// live returns the subscription if it exists and has not expired; the caller holds e.mu.
func (e *Emulator) live(id string) *subscription {
	s := e.subs[id]
	if s == nil {
		return nil
	}
	if !e.now().Before(s.Expires) {
		delete(e.subs, id) // expired subscriptions are gone
		return nil
	}
	return s
}

func (e *Emulator) listSubscriptionsRoute(w http.ResponseWriter, r *http.Request, _ []string, _ token) {
	e.mu.Lock()
	out := []map[string]any{}
	ids := make([]string, 0, len(e.subs))
	for id := range e.subs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if s := e.live(id); s != nil {
			out = append(out, s.render(nil))
		}
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": baseURL(r) + "/v1.0/$metadata#subscriptions", "value": out})
}

func (e *Emulator) getSubscriptionRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	e.withSubscription(w, r, seg[1], func(*subscription) {})
}

// patchSubscriptionRoute renews: only expirationDateTime changes.
func (e *Emulator) patchSubscriptionRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	var in subscriptionIn
	if !readJSON(w, r, &in) {
		return
	}
	exp, ok := e.expiry(w, in.ExpirationDateTime)
	if !ok {
		return
	}
	e.withSubscription(w, r, seg[1], func(s *subscription) { s.Expires, s.reauth = exp, false })
}

func (e *Emulator) reauthorizeRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	e.withSubscription(w, r, seg[1], func(s *subscription) { s.reauth = false })
}

func (e *Emulator) deleteSubscriptionRoute(w http.ResponseWriter, _ *http.Request, seg []string, _ token) {
	e.mu.Lock()
	s := e.live(seg[1])
	delete(e.subs, seg[1])
	e.mu.Unlock()
	if s == nil {
		graphError(w, http.StatusNotFound, "ResourceNotFound", "The object was not found.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) withSubscription(w http.ResponseWriter, r *http.Request, id string, change func(*subscription)) {
	e.mu.Lock()
	s := e.live(id)
	var out map[string]any
	if s != nil {
		change(s)
		out = s.render(r)
	}
	e.mu.Unlock()
	if s == nil {
		graphError(w, http.StatusNotFound, "ResourceNotFound", "The object was not found.")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// Subscription is a live subscription, for tests.
type Subscription struct {
	ID, Resource string
	IDs          []string
	Expires      time.Time
}

// Subscriptions lists the live subscriptions.
func (e *Emulator) Subscriptions() []Subscription {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Subscription
	for id := range e.subs {
		if s := e.live(id); s != nil {
			out = append(out, Subscription{ID: s.ID, Resource: s.Resource, IDs: slices.Clone(s.ids), Expires: s.Expires})
		}
	}
	slices.SortFunc(out, func(a, b Subscription) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// SubscribeAll adds a standing subscription to every user's presence, notifying url with the tenant's
// client state, that never expires: what the adapter's own subscriptions deliver, without their
// delegated sign-in, validation handshake and renewals (tested on their own). The contract suite
// (vendortest) uses it where other vendors' emulators take AddWebhook.
func (e *Emulator) SubscribeAll(url string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := &subscription{ID: newID(), Resource: "/communications/presences", ApplicationID: e.opts.ClientID, ChangeType: "updated",
		ClientState: e.opts.ClientState, NotificationURL: url, Expires: e.now().AddDate(100, 0, 0), all: true}
	e.subs[s.ID] = s
}
