package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// cursorTime is the millisecond precision of SystemModstamp, as the poll cursor writes it.
const cursorTime = "2006-01-02T15:04:05.000Z07:00"

// pollCursor is where polling left off: the newest SystemModstamp seen and the row versions modified
// at that very millisecond (already reported): a row's id, with "~" once it has ended.
type pollCursor struct {
	at   time.Time
	seen []string
}

func (c pollCursor) String() string {
	return c.at.UTC().Format(cursorTime) + "|" + strings.Join(c.seen, ",")
}

func parseCursor(s string) (pollCursor, error) {
	at, ids, _ := strings.Cut(s, "|")
	t, err := time.Parse(cursorTime, at)
	if err != nil {
		return pollCursor{}, fmt.Errorf("polling salesforce: %w %q", vendorapi.ErrBadCursor, s)
	}
	c := pollCursor{at: t}
	if ids != "" {
		c.seen = strings.Split(ids, ",")
	}
	return c, nil
}

// Poll reads the UserServicePresence rows modified since the cursor and reports each agent's newest
// state: the status of its current row, or Offline when its rows only ended (a logout). Rows change
// when a status starts and when it ends, so a status change touches two rows in one transaction.
// Cursor "" starts from the newest modification now. The query filters on whole seconds (the
// documented SOQL literal format) and the cursor skips what it already reported.
func (a *Adapter) Poll(ctx context.Context, cursor string) ([]vendorapi.Change, string, error) {
	if cursor == "" {
		c, err := a.startCursor(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("starting salesforce polling: %w", err)
		}
		return nil, c.String(), nil
	}
	c, err := parseCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	soql := "SELECT Id, UserId, IsCurrentState, ServicePresenceStatus.DeveloperName, StatusStartDate, StatusEndDate, SystemModstamp " +
		"FROM UserServicePresence WHERE SystemModstamp >= " + literal(c.at) + " ORDER BY SystemModstamp"
	recs, err := queryAll[presenceRecord](ctx, a, soql)
	if err != nil {
		return nil, "", fmt.Errorf("polling salesforce presence: %w", err)
	}
	next := c
	latest := map[string]vendorapi.Change{}
	for _, r := range recs {
		m, key := r.SystemModstamp.Time, r.version()
		if m.Before(c.at) || (m.Equal(c.at) && slices.Contains(c.seen, key)) {
			continue
		}
		if m.After(next.at) {
			next = pollCursor{at: m}
		}
		next.seen = append(next.seen, key)
		ch, ok := latest[r.UserID]
		switch {
		case r.IsCurrentState && r.ServicePresenceStatus != nil:
			latest[r.UserID] = vendorapi.Change{ExternalID: r.UserID, State: r.ServicePresenceStatus.DeveloperName, EventID: r.ID, Time: r.StatusStartDate.Time}
		case !ok || (ch.State == StateOffline && r.StatusEndDate.After(ch.Time)):
			latest[r.UserID] = vendorapi.Change{ExternalID: r.UserID, State: StateOffline, EventID: r.ID, Time: r.StatusEndDate.Time}
		}
	}
	changes := make([]vendorapi.Change, 0, len(latest))
	for _, ch := range latest {
		changes = append(changes, ch)
	}
	slices.SortFunc(changes, func(x, y vendorapi.Change) int { return x.Time.Compare(y.Time) })
	return changes, next.String(), nil
}

// startCursor is the newest modification: its time and every row modified then.
func (a *Adapter) startCursor(ctx context.Context) (pollCursor, error) {
	p, err := a.queryPage(ctx, "SELECT Id, IsCurrentState, SystemModstamp FROM UserServicePresence ORDER BY SystemModstamp DESC LIMIT 200", "")
	if err != nil {
		return pollCursor{}, err
	}
	c := pollCursor{at: time.Unix(0, 0).UTC()}
	for i, raw := range p.Records {
		var r presenceRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return pollCursor{}, err
		}
		if i == 0 {
			c.at = r.SystemModstamp.Time
		}
		if r.SystemModstamp.Equal(c.at) {
			c.seen = append(c.seen, r.version())
		}
	}
	return c, nil
}

// version names a row version: a row is modified when it starts (current) and when it ends.
func (r presenceRecord) version() string {
	if r.IsCurrentState {
		return r.ID
	}
	return r.ID + "~"
}
