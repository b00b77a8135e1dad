package talkdesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
)

// Poll reads every active user's presence and reports those that changed since the cursor, which
// holds each user's last state (JSON). The first poll ("") takes that baseline and reports only the
// calls already in progress (so does a user seen for the first time): the hub cannot have seen them
// start, and an agent on a call must show as such until it ends. While a write to
// an agent waits for it to leave Offline or On a Call, its changes are held back (its cursor entry
// stays), so the end of a call does not cancel the hub's newer choice; they are reported once the
// write lands. A change is marked ViaAPI when Talkdesk says this client made it.
func (a *Adapter) Poll(ctx context.Context, cursor string) ([]vendorapi.Change, string, error) {
	last := map[string]string{}
	if cursor != "" {
		if err := json.Unmarshal([]byte(cursor), &last); err != nil {
			return nil, "", fmt.Errorf("polling talkdesk: %w: %w", vendorapi.ErrBadCursor, err)
		}
	}
	next := map[string]string{}
	var changes []vendorapi.Change
	for page := ""; ; {
		users, more, err := a.ListUsers(ctx, page)
		if err != nil {
			return nil, cursor, fmt.Errorf("polling talkdesk: %w", err)
		}
		for _, u := range users {
			if !u.Active {
				continue
			}
			// Held when the read starts or when it ends: a held write landing meanwhile must not let
			// the state read before it (the call's end) through as the agent's own change.
			heldAtRead := a.isHeld(u.ExternalID)
			p, err := a.readPresence(ctx, u.ExternalID)
			if errors.Is(err, vendorapi.ErrUnknownUser) {
				continue // removed since the list was read
			}
			if err != nil {
				return nil, cursor, fmt.Errorf("polling talkdesk: %w", err)
			}
			state, before, seen := p.state(), last[u.ExternalID], cursor != ""
			if (heldAtRead || a.isHeld(u.ExternalID)) && before != "" {
				next[u.ExternalID] = before
				continue
			}
			next[u.ExternalID] = state
			if (seen && before != "" && before != state) || (before == "" && state == StateOnCall) {
				changes = append(changes, vendorapi.Change{ExternalID: u.ExternalID, State: state, Time: p.updated(),
					ViaAPI: a.madeByUs(p.UpdatedBy)})
			}
		}
		if page = more; more == "" {
			break
		}
	}
	b, err := json.Marshal(next)
	if err != nil {
		return nil, cursor, fmt.Errorf("polling talkdesk: encoding cursor: %w", err)
	}
	return changes, string(b), nil
}

// madeByUs reports whether updated_by names this OAuth client (how Talkdesk spells it is unconfirmed:
// the client id alone or "client:<id>").
func (a *Adapter) madeByUs(updatedBy string) bool {
	return updatedBy != "" && strings.TrimPrefix(updatedBy, "client:") == a.clientID
}
