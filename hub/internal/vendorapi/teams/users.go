package teams

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
)

// usersPath is the first page of the users list: the fields matching needs, Graph's largest page.
const usersPath = "/v1.0/users?$select=id,displayName,mail,userPrincipalName,accountEnabled&$top=999"

type userJSON struct {
	ID             string `json:"id"`
	DisplayName    string `json:"displayName"`
	Mail           string `json:"mail"`
	UPN            string `json:"userPrincipalName"`
	AccountEnabled *bool  `json:"accountEnabled"`
}

// ListUsers pages through GET /v1.0/users; the cursor is Graph's opaque @odata.nextLink (it must stay
// on the connection's Graph host). A user's email is its mail, or its UPN when mail is null.
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	path := usersPath
	if cursor != "" {
		if !strings.HasPrefix(cursor, a.client.BaseURL+"/") {
			return nil, "", fmt.Errorf("listing teams users: cursor %q is not on %s", cursor, a.client.BaseURL)
		}
		path = cursor
	}
	var out struct {
		Value    []userJSON `json:"value"`
		NextLink string     `json:"@odata.nextLink"`
	}
	if err := a.do(ctx, "GET", path, nil, &out); err != nil {
		return nil, "", fmt.Errorf("listing teams users: %w", err)
	}
	users := make([]vendorapi.User, 0, len(out.Value))
	for _, u := range out.Value {
		email := u.Mail
		if email == "" {
			email = u.UPN
		}
		users = append(users, vendorapi.User{ExternalID: u.ID, Email: email, Name: u.DisplayName, Active: u.AccountEnabled == nil || *u.AccountEnabled})
	}
	if len(users) == 0 {
		return users, "", nil
	}
	return users, out.NextLink, nil
}

// UserByEmail finds a user by UPN, then by mail ("" when none has it).
func (a *Adapter) UserByEmail(ctx context.Context, email string) (string, error) {
	lit := "'" + strings.ReplaceAll(email, "'", "''") + "'"
	for _, field := range []string{"userPrincipalName", "mail"} {
		var out struct {
			Value []userJSON `json:"value"`
		}
		q := url.Values{"$filter": {field + " eq " + lit}, "$select": {"id"}}
		if err := a.do(ctx, "GET", "/v1.0/users?"+q.Encode(), nil, &out); err != nil {
			return "", fmt.Errorf("finding teams user %s: %w", email, err)
		}
		if len(out.Value) > 0 {
			return out.Value[0].ID, nil
		}
	}
	return "", nil
}
