package talkdesk

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// perPage is the page size the adapter asks for.
const perPage = 100

type userJSON struct {
	ID     string `json:"id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// halLinks is the part of a HAL answer's _links the adapter follows.
type halLinks struct {
	Next *struct {
		Href string `json:"href"`
	} `json:"next"`
}

// ListUsers pages through GET /users; the cursor is the next page number ("" once _links.next is absent).
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	page := 1
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 1 {
			return nil, "", fmt.Errorf("listing talkdesk users: bad cursor %q", cursor)
		}
		page = n
	}
	var out struct {
		Embedded struct {
			Users []userJSON `json:"users"`
		} `json:"_embedded"`
		Links halLinks `json:"_links"`
	}
	q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
	if err := a.do(ctx, "GET", "/users?"+q.Encode(), nil, &out); err != nil {
		return nil, "", fmt.Errorf("listing talkdesk users: %w", err)
	}
	users := make([]vendorapi.User, 0, len(out.Embedded.Users))
	for _, u := range out.Embedded.Users {
		users = append(users, vendorapi.User{ExternalID: u.ID, Email: u.Email, Name: u.Name, Active: u.Active})
	}
	next := ""
	if out.Links.Next != nil && len(users) > 0 {
		next = strconv.Itoa(page + 1)
	}
	return users, next, nil
}
