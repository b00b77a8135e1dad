package loadgen

// The Centrifugo adapter: the same shapes as against the hub (agents in teams, each change delivered
// to the agent's device and its team's supervisors) driven against a Centrifugo v6 server, for the
// side-by-side figures of `scripts/bench compare`. It speaks Centrifugo's JSON client protocol over
// its websocket (connect with a connection token, subscribe, publications pushed; several replies
// may share a frame, one per line; an empty `{}` is the server's ping, answered with `{}`), and
// publishes through the HTTP server API (`/api/broadcast`, X-API-Key).

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Centrifugo is the server under test and how to reach it.
type Centrifugo struct {
	URL    string // e.g. http://127.0.0.1:18100
	APIKey string // http_api.key
	Secret string // client.token.hmac_secret_key: the loader signs each agent's connection token
}

// centChannels are the channels of agent i: its own (the device's) and its team's (the supervisors').
func centChannels(i, teamSize int) (own, team string) {
	return fmt.Sprintf("agent:a%d", i), fmt.Sprintf("team:t%d", i/teamSize)
}

// token is an HS256 connection token for user sub, as Centrifugo verifies it.
func (c Centrifugo) token(sub string) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]string{"sub": sub})
	unsigned := head + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(c.Secret))
	mac.Write([]byte(unsigned))
	return unsigned + "." + enc.EncodeToString(mac.Sum(nil))
}

// centReply is one line the server sends: a reply to a command (id), a push, or a ping (neither).
type centReply struct {
	ID    uint32 `json:"id"`
	Error *struct {
		Code    int
		Message string
	} `json:"error"`
	Push *struct {
		Channel string `json:"channel"`
		Pub     *struct {
			Data json.RawMessage `json:"data"`
		} `json:"pub"`
	} `json:"push"`
}

// centDial connects as user sub from source address src, subscribes to channels, then reads in the
// background until ctx ends, answering pings and handing every publication to onPub.
func (c Centrifugo) dial(ctx context.Context, sub, src string, channels []string, onPub func(channel string, data []byte, at time.Time)) (*websocket.Conn, error) {
	tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}).DialContext}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, strings.Replace(c.URL, "http", "ws", 1)+"/connection/websocket", &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		return nil, fmt.Errorf("dialing Centrifugo from %s: %w", src, err)
	}
	ws.SetReadLimit(1 << 20)
	var cmds bytes.Buffer
	fmt.Fprintf(&cmds, `{"id":1,"connect":{"token":%q,"name":"presence-load"}}`, c.token(sub))
	for k, ch := range channels {
		fmt.Fprintf(&cmds, "\n"+`{"id":%d,"subscribe":{"channel":%q}}`, k+2, ch)
	}
	if err := ws.Write(dctx, websocket.MessageText, cmds.Bytes()); err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("connecting to Centrifugo: %w", err)
	}
	for answered := 0; answered < 1+len(channels); { // the connect's and each subscribe's reply
		_, data, err := ws.Read(dctx)
		if err != nil {
			ws.CloseNow()
			return nil, fmt.Errorf("reading Centrifugo's connect reply: %w", err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var r centReply
			if len(line) == 0 || json.Unmarshal(line, &r) != nil || r.ID == 0 {
				continue
			}
			if r.Error != nil {
				ws.CloseNow()
				return nil, fmt.Errorf("centrifugo refused command %d: %d %s", r.ID, r.Error.Code, r.Error.Message)
			}
			answered++
		}
	}
	go func() {
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			now := time.Now()
			for _, line := range bytes.Split(data, []byte("\n")) {
				if string(bytes.TrimSpace(line)) == "{}" {
					_ = ws.Write(ctx, websocket.MessageText, []byte("{}")) // pong
					continue
				}
				var r centReply
				if onPub != nil && json.Unmarshal(line, &r) == nil && r.Push != nil && r.Push.Pub != nil {
					onPub(r.Push.Channel, r.Push.Pub.Data, now)
				}
			}
		}
	}()
	return ws, nil
}

// centOpenAll connects agents' devices, each subscribed to its own channel.
func (c Centrifugo) openDevices(ctx context.Context, cfg Config, onPub func(channel string, data []byte, at time.Time)) ([]*websocket.Conn, error) {
	out := make([]*websocket.Conn, cfg.Agents)
	var opened atomic.Int64
	err := parallel(ctx, cfg.Agents, max(1, cfg.Workers), func(i int) error {
		own, _ := centChannels(i, cfg.TeamSize)
		ws, err := c.dial(ctx, fmt.Sprintf("a%d", i), cfg.Sources[i%len(cfg.Sources)], []string{own}, onPub)
		if err != nil {
			return err
		}
		out[i] = ws
		opened.Add(1)
		return nil
	})
	return out, err
}

// broadcaster publishes one change to several channels through the server API.
type broadcaster struct {
	c    Centrifugo
	http *http.Client
}

func newBroadcaster(c Centrifugo) *broadcaster {
	return &broadcaster{c: c, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
}

func (b *broadcaster) broadcast(ctx context.Context, channels []string, data any) error {
	body, _ := json.Marshal(map[string]any{"channels": channels, "data": data})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.c.URL+"/api/broadcast", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", b.c.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.http.Do(req)
	if err != nil {
		return fmt.Errorf("broadcast: %w", err)
	}
	defer resp.Body.Close()
	var r struct {
		Error *struct {
			Code    int
			Message string
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != http.StatusOK || r.Error != nil {
		return fmt.Errorf("broadcast: status %d, error %v %v", resp.StatusCode, r.Error, err)
	}
	return nil
}
