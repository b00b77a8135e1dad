package genesys

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// pageSize is the users page the adapter asks for.
const pageSize = 100

// userJSON is the part of a user the adapter reads (presence and routingStatus when expanded).
type userJSON struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Email         string        `json:"email"`
	State         string        `json:"state"`
	Presence      *presenceJSON `json:"presence"`
	RoutingStatus *routingJSON  `json:"routingStatus"`
}

// usersPage is one page of GET /api/v2/users.
type usersPage struct {
	Entities   []userJSON `json:"entities"`
	PageNumber int        `json:"pageNumber"`
	PageCount  int        `json:"pageCount"`
	NextURI    string     `json:"nextUri"`
}

// readUsers reads one page of active users; expand adds presence and routing status.
func (a *Adapter) readUsers(ctx context.Context, page int, expand bool) (usersPage, error) {
	q := url.Values{"pageSize": {strconv.Itoa(pageSize)}, "pageNumber": {strconv.Itoa(page)}, "state": {"active"}}
	if expand {
		q.Set("expand", "presence,routingStatus")
	}
	var out usersPage
	if err := a.do(ctx, "GET", "/api/v2/users?"+q.Encode(), nil, &out); err != nil {
		return out, fmt.Errorf("listing genesys users: %w", err)
	}
	return out, nil
}

// more reports whether a page is followed by another (nextUri present and not past pageCount).
func (p usersPage) more(page int) bool {
	return p.NextURI != "" && len(p.Entities) > 0 && (p.PageCount == 0 || page < p.PageCount)
}

// ListUsers pages through GET /api/v2/users; the cursor is the next page number.
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	page := 1
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 1 {
			return nil, "", fmt.Errorf("listing genesys users: bad cursor %q", cursor)
		}
		page = n
	}
	out, err := a.readUsers(ctx, page, false)
	if err != nil {
		return nil, "", err
	}
	users := make([]vendorapi.User, 0, len(out.Entities))
	for _, u := range out.Entities {
		users = append(users, vendorapi.User{ExternalID: u.ID, Email: u.Email, Name: u.Name, Active: u.State == "" || u.State == "active"})
	}
	next := ""
	if out.more(page) {
		next = strconv.Itoa(page + 1)
	}
	return users, next, nil
}
