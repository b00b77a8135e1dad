package genesys

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// resyncEvery bounds how long Poll trusts the stream alone: past it, a full read (new users, and
// anything a live stream could still have missed).
const resyncEvery = 10 * time.Minute

// pollCursor is what a poll hands the next: each user's last state, and the stream generation the
// last full read was taken under (0: not under a live stream).
type pollCursor struct {
	States map[string]string `json:"states"`
	// Synced is the stream generation that was live when the last full read began.
	Synced uint64 `json:"synced,omitempty"`
	// Full is when the last full read was taken (the adapter's clock).
	Full time.Time `json:"full"`
}

// Poll reports what changed since cursor. While the notification stream has been live since the last
// full read began, it hands over the changes the stream buffered (after a ping/pong round proves
// every event sent before it arrived), with no API request; otherwise — the first poll, a
// reconnection, a stream that is down, or every resyncEvery — it reads every user's presence and
// routing status (the fallback) and compares. The first poll ("") takes a baseline and reports only
// interactions already in progress (so does a user seen for the first time): the hub cannot have
// seen them start.
func (a *Adapter) Poll(ctx context.Context, cursor string) ([]vendorapi.Change, string, error) {
	var c pollCursor
	if cursor != "" {
		if err := json.Unmarshal([]byte(cursor), &c); err != nil || c.States == nil {
			return nil, "", fmt.Errorf("polling genesys: %w: %v", vendorapi.ErrBadCursor, err)
		}
	}
	if a.pollOnly {
		return a.readAll(ctx, cursor, c)
	}
	a.stream.polled()
	if live, gen := a.stream.status(); cursor != "" && live && c.Synced == gen && a.clock.Since(c.Full) < resyncEvery {
		err := a.stream.barrier(ctx, gen)
		if err == nil {
			return a.pushed(ctx, c)
		}
		a.log.Debug("genesys: reading every user instead of the stream", slog.Any(logkey.Error, err))
	}
	return a.readAll(ctx, cursor, c)
}

// pushed reports the buffered changes of the stream.
func (a *Adapter) pushed(ctx context.Context, c pollCursor) ([]vendorapi.Change, string, error) {
	dirty := a.stream.takeDirty()
	next := make(map[string]string, len(c.States))
	for id, s := range c.States {
		next[id] = s
	}
	var changes []vendorapi.Change
	for id, v := range dirty {
		state, at, err := a.state(ctx, v)
		if err != nil {
			a.stream.redirty(dirty)
			return nil, "", fmt.Errorf("polling genesys: %w", err)
		}
		before, known := c.States[id]
		next[id] = state
		if known && before != state {
			changes = append(changes, vendorapi.Change{ExternalID: id, State: state, Time: at})
		}
	}
	c.States = next
	return changes, encode(c), nil
}

// readAll reads every active user with presence and routing status, reports what differs from the
// cursor, and makes the stream follow these users.
func (a *Adapter) readAll(ctx context.Context, cursor string, c pollCursor) ([]vendorapi.Change, string, error) {
	live, gen := a.stream.status()
	next := map[string]string{}
	var users []string
	var changes []vendorapi.Change
	for page := 1; ; page++ {
		out, err := a.readUsers(ctx, page, true)
		if err != nil {
			return nil, cursor, fmt.Errorf("polling genesys: %w", err)
		}
		for _, u := range out.Entities {
			if u.Presence == nil || (u.State != "" && u.State != "active") {
				continue
			}
			users = append(users, u.ID)
			state, at, err := a.state(ctx, a.stream.seen(u.ID, viewOf(u)))
			if err != nil {
				return nil, cursor, fmt.Errorf("polling genesys: %w", err)
			}
			before := c.States[u.ID]
			next[u.ID] = state
			_, system := routingState(state)
			if (cursor != "" && before != "" && before != state) || (before == "" && system) {
				changes = append(changes, vendorapi.Change{ExternalID: u.ID, State: state, Time: at})
			}
		}
		if !out.more(page) {
			break
		}
	}
	a.stream.follow(users)
	if !a.pollOnly {
		a.stream.polled() // starts the stream once it has users to follow
	}
	c = pollCursor{States: next, Full: a.clock.Now()}
	if live {
		c.Synced = gen
	}
	return changes, encode(c), nil
}

// routingState reports whether state is one of the routing states (system states).
func routingState(state string) (string, bool) {
	for _, s := range routingStates {
		if s == state {
			return s, true
		}
	}
	return "", false
}

func encode(c pollCursor) string {
	b, _ := json.Marshal(c)
	return string(b)
}
