package genesys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/shared/logkey"
)

// channelJSON is a created notification channel.
type channelJSON struct {
	ID         string `json:"id"`
	ConnectURI string `json:"connectUri"`
	Expires    string `json:"expires"`
}

// notification is one message on a channel's socket.
type notification struct {
	TopicName string          `json:"topicName"`
	EventBody json.RawMessage `json:"eventBody"`
}

// received is a socket's message (or its end), by socket index.
type received struct {
	sock int
	data []byte
	err  error
}

// topics lists the users' presence and routing-status topics.
func topics(users []string) []map[string]string {
	out := make([]map[string]string, 0, 2*len(users))
	for _, id := range users {
		out = append(out, map[string]string{"id": "v2.users." + id + ".presence"}, map[string]string{"id": "v2.users." + id + ".routingStatus"})
	}
	return out
}

// open creates a channel, connects its socket and subscribes the batch (after the socket is open, so
// nothing reported once the subscription holds is missed).
func (s *stream) open(ctx context.Context, batch []map[string]string) (*websocket.Conn, time.Time, error) {
	var ch channelJSON
	if err := s.a.do(ctx, http.MethodPost, "/api/v2/notifications/channels", nil, &ch); err != nil {
		return nil, time.Time{}, fmt.Errorf("creating a genesys notification channel: %w", err)
	}
	if ch.ID == "" || ch.ConnectURI == "" {
		return nil, time.Time{}, errors.New("creating a genesys notification channel: the answer has no id or connectUri")
	}
	hc := *s.a.http
	hc.Timeout = 0 // a websocket outlives any request timeout; the dial is bounded by ctx
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, ch.ConnectURI, &websocket.DialOptions{HTTPClient: &hc})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("connecting to the genesys notification channel: %w", err)
	}
	conn.SetReadLimit(1 << 20)
	if err := s.a.do(ctx, http.MethodPut, "/api/v2/notifications/channels/"+ch.ID+"/subscriptions", batch, nil); err != nil {
		_ = conn.CloseNow()
		return nil, time.Time{}, fmt.Errorf("subscribing the genesys notification channel: %w", err)
	}
	expires := parseTime(ch.Expires)
	if expires.IsZero() {
		expires = s.a.clock.Now().Add(24 * time.Hour)
	}
	return conn, expires, nil
}

// session opens the channels the users' topics need (at most 1,000 topics each), follows them until
// one fails, stays silent too long, says it is closing, or the channels near their expiry (or the
// users changed), and closes them. wentLive reports whether every channel was open and subscribed.
func (s *stream) session(ctx context.Context) (wentLive bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	select { // the users are read next: a change of them before this is in
	case <-s.resub:
	default:
	}
	s.mu.Lock()
	all := topics(s.users)
	s.mu.Unlock()
	var batches [][]map[string]string
	for len(all) > 0 {
		n := min(topicsPerChannel, len(all))
		batches, all = append(batches, all[:n]), all[n:]
	}
	if len(batches) > maxChannels {
		return false, fmt.Errorf("%w (%d needed)", errTooManyUsers, len(batches))
	}
	var socks []*websocket.Conn
	defer func() {
		for _, c := range socks {
			_ = c.CloseNow()
		}
	}()
	expires := time.Time{}
	for _, b := range batches {
		conn, exp, err := s.open(ctx, b)
		if err != nil {
			return false, err
		}
		socks = append(socks, conn)
		if expires.IsZero() || exp.Before(expires) {
			expires = exp
		}
	}
	msgs := make(chan received)
	for i, c := range socks {
		go read(ctx, i, c, msgs)
	}
	ended := make(chan struct{})
	defer close(ended)
	s.setLive(socks, ended)
	defer s.setLive(nil, nil)
	renew := s.a.clock.NewTimer(max(0, expires.Add(-renewBefore).Sub(s.a.clock.Now())))
	defer renew.Stop()
	watch := s.a.clock.NewTicker(watchEvery)
	defer watch.Stop()
	heard := make([]bool, len(socks))
	missed := make([]int, len(socks))
	checked := s.a.clock.Now()
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case <-renew.Chan():
			s.a.log.Info("genesys notifications: renewing the channels before they expire")
			return true, nil
		case <-s.resub:
			return true, nil
		case <-watch.Chan():
			if s.idle() {
				return true, nil
			}
			now := s.a.clock.Now()
			if now.Sub(checked) < watchEvery/2 {
				continue // ticks a clock jump delivered together count once
			}
			checked = now
			for i := range socks {
				if heard[i] {
					missed[i], heard[i] = 0, false
				} else {
					missed[i]++
				}
				if missed[i] >= missedBeats {
					return true, fmt.Errorf("no heartbeat on a genesys notification channel for %d checks", missed[i])
				}
			}
		case m := <-msgs:
			if m.err != nil {
				return true, fmt.Errorf("genesys notification channel: %w", m.err)
			}
			heard[m.sock] = true
			if closing := s.handle(m.data); closing {
				s.a.log.Info("genesys notifications: the server is closing the channel; reconnecting")
				return true, nil
			}
		}
	}
}

// read forwards a socket's messages until it fails or ctx ends.
func read(ctx context.Context, i int, c *websocket.Conn, out chan<- received) {
	for {
		_, data, err := c.Read(ctx)
		select {
		case out <- received{sock: i, data: data, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// handle takes one message: a pong, a user's presence or routing status; closing reports the
// server's v2.system.socket_closing notice.
func (s *stream) handle(data []byte) (closing bool) {
	var n notification
	if err := json.Unmarshal(data, &n); err != nil {
		s.a.log.Warn("genesys notifications: unreadable message", slog.Any(logkey.Error, err))
		return false
	}
	switch {
	case n.TopicName == "channel.metadata":
		var body struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(n.EventBody, &body) == nil && body.Message == "pong" {
			select {
			case s.pongs <- struct{}{}:
			default:
			}
		}
	case n.TopicName == "v2.system.socket_closing":
		return true
	case strings.HasPrefix(n.TopicName, "v2.users."):
		rest := strings.TrimPrefix(n.TopicName, "v2.users.")
		if id, ok := strings.CutSuffix(rest, ".presence"); ok {
			var p presenceJSON
			if json.Unmarshal(n.EventBody, &p) == nil {
				s.apply(id, view{defID: p.PresenceDefinition.ID, systemPresence: p.PresenceDefinition.SystemPresence, presenceAt: parseTime(p.ModifiedDate)})
			}
		} else if id, ok := strings.CutSuffix(rest, ".routingStatus"); ok {
			var r struct {
				RoutingStatus routingJSON `json:"routingStatus"`
			}
			if json.Unmarshal(n.EventBody, &r) == nil && r.RoutingStatus.Status != "" {
				s.apply(id, view{routing: r.RoutingStatus.Status, routingAt: parseTime(r.RoutingStatus.StartTime)})
			}
		}
	}
	return false
}
