package genesysemu

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"presencehub.dev/hub/internal/clock"
)

// channel is one notification channel: its topics, its expiry and its current websocket session.
type channel struct {
	e       *Emulator
	id      string
	created time.Time
	expires time.Time
	topics  []string
	expiry  clock.Timer
	sess    *session    // nil while no websocket is open
	out     chan []byte // what the channel has to send, kept while no websocket is open
}

// topicRE is what a subscription may name: a user's presence or routing status, or both in the
// combined form v2.users.{id}?presence&routingStatus.
var topicRE = regexp.MustCompile(`^v2\.users\.([0-9a-fA-F-]{1,64})(\.(presence|routingStatus)|\?((presence|routingStatus)(&(presence|routingStatus))*))$`)

// wants reports whether the channel is subscribed to kind (presence, routingStatus) of user id.
func (ch *channel) wants(id, kind string) bool {
	for _, t := range ch.topics {
		m := topicRE.FindStringSubmatch(t)
		if m == nil || m[1] != id {
			continue
		}
		if m[3] == kind || slices.Contains(strings.Split(m[4], "&"), kind) {
			return true
		}
	}
	return false
}

func (e *Emulator) channelJSON(r *http.Request, ch *channel) map[string]any {
	ws := "ws" + strings.TrimPrefix(baseURL(r), "http")
	return map[string]any{"connectUri": ws + "/channels/" + ch.id, "id": ch.id, "expires": stamp(ch.expires)}
}

// createChannelRoute serves POST /api/v2/notifications/channels: a channel that lives 24 h; the 21st
// channel evicts the oldest.
func (e *Emulator) createChannelRoute(w http.ResponseWriter, r *http.Request, _ []string) {
	e.mu.Lock()
	e.chanSeq++
	now := e.now()
	ch := &channel{e: e, id: "streaming-0-" + strings.ReplaceAll(newID(), "-", ""), created: now, expires: now.Add(ChannelLife),
		out: make(chan []byte, sessionQueue)}
	var evicted *channel
	if len(e.channels) >= MaxChannels {
		for _, c := range e.channels {
			if evicted == nil || c.created.Before(evicted.created) {
				evicted = c
			}
		}
		delete(e.channels, evicted.id)
	}
	e.channels[ch.id] = ch
	ch.expiry = e.clock.AfterFunc(ChannelLife, func() { e.expire(ch) })
	out := e.channelJSON(r, ch)
	e.mu.Unlock()
	if evicted != nil {
		evicted.stop("the channel was replaced by a newer one", true)
	}
	writeJSON(w, http.StatusOK, out)
}

// listChannelsRoute serves GET /api/v2/notifications/channels.
func (e *Emulator) listChannelsRoute(w http.ResponseWriter, r *http.Request, _ []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []map[string]any{}
	for _, ch := range e.channels {
		out = append(out, e.channelJSON(r, ch))
	}
	slices.SortFunc(out, func(a, b map[string]any) int { return strings.Compare(a["id"].(string), b["id"].(string)) })
	writeJSON(w, http.StatusOK, map[string]any{"entities": out})
}

// expire ends a channel at the end of its life: the socket hears the closing notice, then closes.
func (e *Emulator) expire(ch *channel) {
	e.mu.Lock()
	if e.channels[ch.id] == ch {
		delete(e.channels, ch.id)
	}
	e.mu.Unlock()
	ch.stop("the channel expired", true)
}

// stop ends the channel's timer and websocket; notice sends v2.system.socket_closing first.
func (ch *channel) stop(why string, notice bool) {
	ch.expiry.Stop()
	ch.e.mu.Lock()
	s := ch.sess
	ch.sess = nil
	if s != nil && notice {
		ch.enqueue(message("v2.system.socket_closing", map[string]any{"message": why}))
	}
	ch.e.mu.Unlock()
	switch {
	case s != nil && notice:
		s.closeAfterQueue(why)
	case s != nil:
		s.close(why)
	}
}

// channelOf finds the channel a subscriptions request names; it answers the 404 itself.
func (e *Emulator) channelOf(w http.ResponseWriter, id string) *channel {
	ch := e.channels[id]
	if ch == nil {
		apiError(w, http.StatusNotFound, "not.found", "Channel not found: "+id)
	}
	return ch
}

func topicsJSON(ch *channel) map[string]any {
	out := []map[string]any{}
	for _, t := range ch.topics {
		out = append(out, map[string]any{"id": t, "selfUri": "/api/v2/notifications/channels/" + ch.id + "/subscriptions"})
	}
	return map[string]any{"entities": out}
}

func (e *Emulator) getSubscriptionsRoute(w http.ResponseWriter, _ *http.Request, seg []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ch := e.channelOf(w, seg[2]); ch != nil {
		writeJSON(w, http.StatusOK, topicsJSON(ch))
	}
}

func (e *Emulator) addSubscriptionsRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	e.subscribe(w, r, seg[2], false)
}

func (e *Emulator) replaceSubscriptionsRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	e.subscribe(w, r, seg[2], true)
}

// subscribe adds (or, with replace, sets) a channel's topics: [{"id": topic}, ...]; more than
// MaxTopics on the channel is a 400 that changes nothing.
func (e *Emulator) subscribe(w http.ResponseWriter, r *http.Request, id string, replace bool) {
	var in []struct {
		ID string `json:"id"`
	}
	if !decode(w, r, &in) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ch := e.channelOf(w, id)
	if ch == nil {
		return
	}
	topics := slices.Clone(ch.topics)
	if replace {
		topics = nil
	}
	for i, t := range in {
		if !topicRE.MatchString(t.ID) {
			badRequest(w, "["+itoa(i)+"].id", "unknown or unsupported topic "+t.ID)
			return
		}
		if !slices.Contains(topics, t.ID) {
			topics = append(topics, t.ID)
		}
	}
	if len(topics) > MaxTopics {
		badRequest(w, "id", "a channel may hold at most "+itoa(MaxTopics)+" topics; this would make "+itoa(len(topics)))
		return
	}
	ch.topics = topics
	writeJSON(w, http.StatusOK, topicsJSON(ch))
}

// deleteSubscriptionsRoute serves DELETE .../subscriptions: every topic removed.
func (e *Emulator) deleteSubscriptionsRoute(w http.ResponseWriter, _ *http.Request, seg []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ch := e.channelOf(w, seg[2]); ch != nil {
		ch.topics = nil
		writeJSON(w, http.StatusOK, topicsJSON(ch))
	}
}

// publish tells every channel subscribed to kind of user id (e.mu held, so events keep their order
// with pongs).
func (e *Emulator) publish(id, kind string, body map[string]any) {
	var msg []byte
	for _, ch := range e.channels {
		if !ch.wants(id, kind) {
			continue
		}
		if msg == nil {
			msg = message("v2.users."+id+"."+kind, body)
		}
		ch.enqueue(msg)
	}
}

// enqueue queues msg for the channel's websocket (e.mu held: order is the order of the changes); a
// full queue drops it and closes the socket.
func (ch *channel) enqueue(msg []byte) {
	select {
	case ch.out <- msg:
	default:
		if ch.sess != nil {
			ch.sess.cancel()
		}
	}
}

// Channels is how many channels the organization holds.
func (e *Emulator) Channels() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.channels)
}

// ChannelIDs lists the organization's channels.
func (e *Emulator) ChannelIDs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.channels))
	for id := range e.channels {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Topics lists a channel's topics.
func (e *Emulator) Topics(channelID string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ch := e.channels[channelID]; ch != nil {
		return slices.Clone(ch.topics)
	}
	return nil
}
