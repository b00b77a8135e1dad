package cxone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Poll reads GET /agents/states?updatedSince={cursor} and reports each agent's state that changed.
// The cursor is the answer's lastPollTime and the agent states already seen with that very
// lastUpdateTime ("2024-05-01T10:00:00.123Z|30001=Available,30002=unavailable%3ALunch"), so an
// inclusive updatedSince neither loses a change made in the same millisecond nor repeats one. Cursor
// "" takes a baseline (all agents, nothing reported).
func (a *Adapter) Poll(ctx context.Context, cursor string) ([]vendorapi.Change, string, error) {
	since, seen, _ := strings.Cut(cursor, "|")
	path := "/agents/states"
	if since != "" {
		if _, err := time.Parse(time.RFC3339Nano, since); err != nil {
			return nil, "", fmt.Errorf("polling cxone: %w %q", vendorapi.ErrBadCursor, cursor)
		}
		path += "?" + url.Values{"updatedSince": {since}}.Encode()
	}
	var out struct {
		LastPollTime string       `json:"lastPollTime"`
		AgentStates  []agentState `json:"agentStates"`
	}
	if err := a.do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, "", fmt.Errorf("polling cxone agent states: %w", err)
	}
	polled := parseTime(out.LastPollTime)
	if polled.IsZero() {
		return nil, "", fmt.Errorf("polling cxone agent states: the answer has no lastPollTime")
	}
	skip, sinceTime := strings.Split(seen, ","), parseTime(since)
	var changes []vendorapi.Change
	var next []string
	for _, s := range out.AgentStates {
		id, state := strconv.FormatInt(s.AgentID, 10), s.vocabulary()
		at := parseTime(s.LastUpdateTime)
		key := id + "=" + url.QueryEscape(state)
		if at.Equal(polled) {
			next = append(next, key)
		}
		if since == "" || (at.Equal(sinceTime) && slices.Contains(skip, key)) {
			continue
		}
		changes = append(changes, vendorapi.Change{ExternalID: id, State: state, Time: at})
	}
	slices.SortFunc(changes, func(x, y vendorapi.Change) int { return x.Time.Compare(y.Time) })
	return changes, out.LastPollTime + "|" + strings.Join(next, ","), nil
}
