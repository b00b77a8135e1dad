package zendesk

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// pageSize is the largest cursor page Zendesk serves.
const pageSize = 100

type usersPage struct {
	Users []struct {
		ID        int64  `json:"id"`
		Email     string `json:"email"`
		Name      string `json:"name"`
		Role      string `json:"role"`
		Active    bool   `json:"active"`
		Suspended bool   `json:"suspended"`
	} `json:"users"`
	Meta struct {
		HasMore     bool   `json:"has_more"`
		AfterCursor string `json:"after_cursor"`
	} `json:"meta"`
}

// ListUsers pages through agents and admins with cursor pagination; the cursor is Zendesk's
// after_cursor. Suspended or inactive users are listed as not Active.
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	q := url.Values{}
	q.Add("role[]", "agent")
	q.Add("role[]", "admin")
	q.Set("page[size]", strconv.Itoa(pageSize))
	if cursor != "" {
		q.Set("page[after]", cursor)
	}
	var page usersPage
	if err := a.client.Do(ctx, "GET", "/api/v2/users.json?"+q.Encode(), nil, &page); err != nil {
		return nil, "", fmt.Errorf("listing zendesk users: %w", err)
	}
	users := make([]vendorapi.User, 0, len(page.Users))
	for _, u := range page.Users {
		if u.Role != "agent" && u.Role != "admin" {
			continue
		}
		users = append(users, vendorapi.User{ExternalID: strconv.FormatInt(u.ID, 10), Email: u.Email, Name: u.Name,
			Active: u.Active && !u.Suspended})
	}
	next := ""
	if page.Meta.HasMore {
		next = page.Meta.AfterCursor
	}
	return users, next, nil
}
