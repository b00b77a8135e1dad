package teams

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Subscription timing: Graph keeps a presence subscription at most an hour.
const (
	subLife       = 59 * time.Minute
	renewBefore   = 20 * time.Minute
	maintainEvery = 5 * time.Minute
	// parseTimeout bounds the presence read a notification triggers.
	parseTimeout = 10 * time.Second
)

// subState is what lifecycle notifications left for the next poll.
type subState struct {
	checked time.Time       // last maintenance
	dirty   bool            // maintain at the next poll
	reauth  map[string]bool // subscriptions to renew now
	resync  bool            // a missed notification: read everyone
	pending []string        // notified users whose presence could not be read
}

type subJSON struct {
	ID              string `json:"id"`
	Resource        string `json:"resource"`
	NotificationURL string `json:"notificationUrl"`
	Expiration      string `json:"expirationDateTime"`
}

var idList = regexp.MustCompile(`'([^']+)'`)

// maintain, when due (every few minutes, or at once after a lifecycle notification), lists the
// app's subscriptions to notification_url, renews those ending within renewBefore (or asked to
// reauthorize), and subscribes every enabled user not covered, at most 650 per subscription.
func (a *Adapter) maintain(ctx context.Context) error {
	now := a.now()
	a.mu.Lock()
	due := a.subs.dirty || now.Sub(a.subs.checked) >= maintainEvery || a.subs.checked.IsZero()
	reauth := a.subs.reauth
	a.subs.dirty, a.subs.reauth = false, nil
	a.mu.Unlock()
	if !due {
		return nil
	}
	fail := func(err error) error {
		a.mu.Lock()
		a.subs.dirty = true
		for id := range reauth {
			a.markReauth(id)
		}
		a.mu.Unlock()
		return err
	}
	covered := map[string]bool{}
	for page := "/v1.0/subscriptions"; page != ""; {
		var out struct {
			Value    []subJSON `json:"value"`
			NextLink string    `json:"@odata.nextLink"`
		}
		if err := a.subDo(ctx, http.MethodGet, page, nil, &out); err != nil {
			return fail(fmt.Errorf("listing subscriptions: %w", err))
		}
		for _, s := range out.Value {
			if s.NotificationURL != a.notifyURL || !strings.Contains(s.Resource, "communications/presences") {
				continue
			}
			exp, _ := time.Parse(time.RFC3339Nano, s.Expiration)
			if reauth[s.ID] || exp.Sub(now) < renewBefore {
				err := a.subDo(ctx, http.MethodPatch, "/v1.0/subscriptions/"+url.PathEscape(s.ID),
					map[string]string{"expirationDateTime": now.Add(subLife).Format(time.RFC3339)}, nil)
				var he *vendorapi.HTTPError
				if errors.As(err, &he) && he.Status == http.StatusNotFound {
					continue // gone meanwhile: its users are subscribed again below
				}
				if err != nil {
					return fail(fmt.Errorf("renewing subscription %s: %w", s.ID, err))
				}
			}
			for _, m := range idList.FindAllStringSubmatch(s.Resource, -1) {
				covered[m[1]] = true
			}
		}
		page = out.NextLink
	}
	ids, err := a.activeUsers(ctx)
	if err != nil {
		return fail(err)
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return covered[id] })
	for start := 0; start < len(ids); start += MaxBatch {
		if err := a.subscribe(ctx, ids[start:min(start+MaxBatch, len(ids))], now); err != nil {
			return fail(err)
		}
	}
	a.mu.Lock()
	a.subs.checked = now
	a.mu.Unlock()
	return nil
}

// subscribe creates one subscription for ids (Graph then checks notification_url: the hub answers
// its validation handshake).
func (a *Adapter) subscribe(ctx context.Context, ids []string, now time.Time) error {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = "'" + id + "'"
	}
	in := map[string]any{"changeType": "updated", "notificationUrl": a.notifyURL, "lifecycleNotificationUrl": a.notifyURL,
		"resource":           "/communications/presences?$filter=id in (" + strings.Join(quoted, ",") + ")",
		"expirationDateTime": now.Add(subLife).Format(time.RFC3339), "clientState": a.clientState, "includeResourceData": false}
	if err := a.subDo(ctx, http.MethodPost, "/v1.0/subscriptions", in, nil); err != nil {
		return fmt.Errorf("subscribing %d users: %w", len(ids), err)
	}
	return nil
}

// markReauth asks the next maintenance to renew subscription id; the caller holds a.mu.
func (a *Adapter) markReauth(id string) {
	if a.subs.reauth == nil {
		a.subs.reauth = map[string]bool{}
	}
	a.subs.reauth[id] = true
}

// Handshake answers Graph's validation request: the validationToken, echoed.
func (a *Adapter) Handshake(q url.Values) (string, bool) {
	tok := q.Get("validationToken")
	return tok, tok != "" && a.notifyURL != ""
}

type notificationJSON struct {
	Value []struct {
		SubscriptionID string `json:"subscriptionId"`
		ClientState    string `json:"clientState"`
		LifecycleEvent string `json:"lifecycleEvent"`
		Resource       string `json:"resource"`
		ResourceData   struct {
			ID string `json:"id"`
		} `json:"resourceData"`
	} `json:"value"`
}

// ParseWebhook checks every notification's clientState (vendorapi.ErrBadSignature when one differs),
// takes lifecycle notifications (reauthorizationRequired renews, subscriptionRemoved recreates, missed
// reads everyone, all at the next poll) and reads the notified users' presence (the notifications
// carry no resource data); users it cannot read now are read at the next poll.
func (a *Adapter) ParseWebhook(_ http.Header, body []byte) ([]vendorapi.Change, error) {
	var n notificationJSON
	if err := json.Unmarshal(body, &n); err != nil || len(n.Value) == 0 {
		return nil, fmt.Errorf("teams notification: %w", vendorapi.ErrMalformed)
	}
	for _, v := range n.Value {
		if a.clientState == "" || subtle.ConstantTimeCompare([]byte(v.ClientState), []byte(a.clientState)) != 1 {
			return nil, fmt.Errorf("teams notification: clientState: %w", vendorapi.ErrBadSignature)
		}
	}
	var ids []string
	a.mu.Lock()
	for _, v := range n.Value {
		switch v.LifecycleEvent {
		case "":
			id := v.ResourceData.ID
			if id == "" {
				id = v.Resource[strings.LastIndex(v.Resource, "/")+1:]
			}
			if id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		case "reauthorizationRequired":
			a.markReauth(v.SubscriptionID)
			a.subs.dirty = true
		case "subscriptionRemoved":
			a.subs.dirty = true
		case "missed":
			a.subs.resync, a.subs.dirty = true, true
		}
	}
	a.mu.Unlock()
	if len(ids) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), parseTimeout)
	defer cancel()
	states, err := a.presences(ctx, ids)
	if err != nil {
		a.requeue(false, ids)
		return nil, nil
	}
	return a.changes(ids, states), nil
}

// GenerateClientState makes a connection's client_state: the secret its subscriptions carry and
// every notification must repeat (Graph allows 128 characters).
func GenerateClientState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating a client state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
