package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// notifiedCursor is the cursor while change notifications bring the changes.
const notifiedCursor = "notifications"

// Poll, without notification_url, reads every enabled user's presence (650 per request) and reports
// what changed since the cursor (each user's last state, JSON); the first poll takes that baseline and
// reports only the states Teams sets itself (a call or meeting in progress). With notification_url,
// changes come by notification: a poll keeps the subscriptions (created, renewed, recreated) and reads
// what notifications could not, or everyone after a missed lifecycle notification.
func (a *Adapter) Poll(ctx context.Context, cursor string) ([]vendorapi.Change, string, error) {
	if a.notifyURL != "" {
		changes, err := a.pollNotified(ctx)
		return changes, notifiedCursor, err
	}
	last := map[string]string{}
	if cursor != "" {
		if err := json.Unmarshal([]byte(cursor), &last); err != nil {
			return nil, "", fmt.Errorf("polling teams: %w: %w", vendorapi.ErrBadCursor, err)
		}
	}
	ids, err := a.activeUsers(ctx)
	if err != nil {
		return nil, cursor, fmt.Errorf("polling teams: %w", err)
	}
	now, err := a.presences(ctx, ids)
	if err != nil {
		return nil, cursor, fmt.Errorf("polling teams: %w", err)
	}
	var changes []vendorapi.Change
	for _, id := range ids {
		state, ok := now[id]
		if !ok {
			continue
		}
		before := last[id]
		if (cursor != "" && before != "" && before != state) || (before == "" && systemActivities[state]) {
			changes = append(changes, vendorapi.Change{ExternalID: id, State: state})
		}
	}
	b, err := json.Marshal(now)
	if err != nil {
		return nil, cursor, fmt.Errorf("polling teams: encoding cursor: %w", err)
	}
	return changes, string(b), nil
}

// activeUsers lists the ids of every enabled user.
func (a *Adapter) activeUsers(ctx context.Context) ([]string, error) {
	var ids []string
	for page := ""; ; {
		users, next, err := a.ListUsers(ctx, page)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Active {
				ids = append(ids, u.ExternalID)
			}
		}
		if page = next; next == "" {
			return ids, nil
		}
	}
}

// pollNotified keeps the subscriptions and reads what notifications left to a poll.
func (a *Adapter) pollNotified(ctx context.Context) ([]vendorapi.Change, error) {
	if err := a.maintain(ctx); err != nil {
		return nil, fmt.Errorf("keeping teams subscriptions: %w", err)
	}
	a.mu.Lock()
	resync, pending := a.subs.resync, a.subs.pending
	a.subs.resync, a.subs.pending = false, nil
	a.mu.Unlock()
	var ids []string
	switch {
	case resync:
		var err error
		if ids, err = a.activeUsers(ctx); err != nil {
			a.requeue(true, pending)
			return nil, fmt.Errorf("resyncing teams presence: %w", err)
		}
	case len(pending) > 0:
		ids = pending
	default:
		return nil, nil
	}
	states, err := a.presences(ctx, ids)
	if err != nil {
		a.requeue(resync, pending)
		return nil, fmt.Errorf("resyncing teams presence: %w", err)
	}
	return a.changes(ids, states), nil
}

// requeue puts back a resync or pending reads that failed.
func (a *Adapter) requeue(resync bool, pending []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.subs.resync = a.subs.resync || resync
	for _, id := range pending {
		if !slices.Contains(a.subs.pending, id) {
			a.subs.pending = append(a.subs.pending, id)
		}
	}
}

// changes are the states read for ids. Graph stamps no presence change, so they carry no time (the
// hub then knows its own writes' echoes by the state alone, within the echo window). Each carries its
// own event id: Graph's notifications of one user are alike byte for byte (they say only "this
// presence changed"), so the hub must not take the next one for a replay of the first.
func (a *Adapter) changes(ids []string, states map[string]string) []vendorapi.Change {
	at := a.now()
	var out []vendorapi.Change
	for _, id := range ids {
		if s, ok := states[id]; ok {
			out = append(out, vendorapi.Change{ExternalID: id, State: s,
				EventID: id + "|" + s + "|" + strconv.FormatInt(at.UnixNano(), 10)})
		}
	}
	return out
}
