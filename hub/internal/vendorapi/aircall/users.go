package aircall

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// perPage is Aircall's largest page.
const perPage = 50

// userJSON is the part of Aircall's user object the adapter reads.
type userJSON struct {
	ID                 int64  `json:"id"`
	Name               string `json:"name"`
	Email              string `json:"email"`
	AvailabilityStatus string `json:"availability_status"`
}

// ListUsers pages through GET /v2/users; the cursor is the next page number ("" when
// meta.next_page_link is null).
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	page := 1
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 1 {
			return nil, "", fmt.Errorf("listing aircall users: bad cursor %q", cursor)
		}
		page = n
	}
	var out struct {
		Users []userJSON `json:"users"`
		Meta  struct {
			NextPageLink *string `json:"next_page_link"`
		} `json:"meta"`
	}
	q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
	if err := a.client.Do(ctx, "GET", "/v2/users?"+q.Encode(), nil, &out); err != nil {
		return nil, "", fmt.Errorf("listing aircall users: %w", err)
	}
	users := make([]vendorapi.User, 0, len(out.Users))
	for _, u := range out.Users {
		users = append(users, vendorapi.User{ExternalID: strconv.FormatInt(u.ID, 10), Email: u.Email, Name: u.Name, Active: true})
	}
	next := ""
	if out.Meta.NextPageLink != nil && *out.Meta.NextPageLink != "" && len(out.Users) > 0 {
		next = strconv.Itoa(page + 1)
	}
	return users, next, nil
}
