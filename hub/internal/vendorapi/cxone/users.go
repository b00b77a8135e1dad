package cxone

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
)

// ListUsers pages through active agents (GET /agents?skip=&top=100&isActive=true); the cursor is the
// next skip ("" once skip+top reaches totalRecords). Agents are matched on emailAddress, else userName
// (usually an email too).
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	skip := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return nil, "", fmt.Errorf("listing cxone agents: bad cursor %q", cursor)
		}
		skip = n
	}
	q := url.Values{"skip": {strconv.Itoa(skip)}, "top": {strconv.Itoa(pageSize)}, "isActive": {"true"},
		"fields": {"agentId,userName,firstName,lastName,emailAddress,isActive"}}
	var out struct {
		TotalRecords int `json:"totalRecords"`
		Agents       []struct {
			AgentID   int64  `json:"agentId"`
			UserName  string `json:"userName"`
			FirstName string `json:"firstName"`
			LastName  string `json:"lastName"`
			Email     string `json:"emailAddress"`
			IsActive  bool   `json:"isActive"`
		} `json:"agents"`
	}
	if err := a.do(ctx, http.MethodGet, "/agents?"+q.Encode(), nil, &out); err != nil {
		return nil, "", fmt.Errorf("listing cxone agents: %w", err)
	}
	users := make([]vendorapi.User, 0, len(out.Agents))
	for _, ag := range out.Agents {
		email := ag.Email
		if email == "" && strings.Contains(ag.UserName, "@") {
			email = ag.UserName
		}
		users = append(users, vendorapi.User{ExternalID: strconv.FormatInt(ag.AgentID, 10), Email: email,
			Name: strings.TrimSpace(ag.FirstName + " " + ag.LastName), Active: ag.IsActive})
	}
	next := ""
	if n := skip + len(out.Agents); len(out.Agents) > 0 && n < out.TotalRecords {
		next = strconv.Itoa(n)
	}
	return users, next, nil
}
