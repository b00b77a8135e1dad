package servicenow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// pageSize is the sysparm_limit the adapter asks for.
const pageSize = 100

// linkRel matches one entry of a Link header (URLs may hold unescaped commas).
var linkRel = regexp.MustCompile(`<([^>]*)>\s*;\s*rel="([^"]*)"`)

// tablePage reads one page of GET /api/now/table/{table} into out and returns the offset of the next
// page from the Link header's rel="next" ("" on the last page).
func (a *Adapter) tablePage(ctx context.Context, table string, q url.Values, out any) (string, error) {
	var h http.Header
	if err := a.do(captureHeaders(ctx, &h), http.MethodGet, "/api/now/table/"+table+"?"+q.Encode(), nil, out); err != nil {
		return "", err
	}
	for _, m := range linkRel.FindAllStringSubmatch(h.Get("Link"), -1) {
		if m[2] != "next" {
			continue
		}
		u, err := url.Parse(m[1])
		if err != nil {
			return "", fmt.Errorf("reading %s: bad Link header: %w", table, err)
		}
		off := u.Query().Get("sysparm_offset")
		if _, err := strconv.Atoi(off); err != nil {
			return "", fmt.Errorf("reading %s: next link without a numeric sysparm_offset", table)
		}
		return off, nil
	}
	return "", nil
}

type userRow struct {
	SysID    string `json:"sys_id"`
	UserName string `json:"user_name"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Active   string `json:"active"`
}

// ListUsers pages through active sys_user records with an email; the cursor is the next
// sysparm_offset, as the Link header gives it.
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	if cursor == "" {
		cursor = "0"
	}
	if n, err := strconv.Atoi(cursor); err != nil || n < 0 {
		return nil, "", fmt.Errorf("listing servicenow users: bad cursor %q", cursor)
	}
	q := url.Values{"sysparm_query": {"active=true^emailISNOTEMPTY^ORDERBYsys_created_on^ORDERBYsys_id"},
		"sysparm_fields": {"sys_id,user_name,email,name,active"}, "sysparm_exclude_reference_link": {"true"},
		"sysparm_limit": {strconv.Itoa(pageSize)}, "sysparm_offset": {cursor}}
	var out struct {
		Result []userRow `json:"result"`
	}
	next, err := a.tablePage(ctx, "sys_user", q, &out)
	if err != nil {
		return nil, "", fmt.Errorf("listing servicenow users: %w", err)
	}
	users := make([]vendorapi.User, 0, len(out.Result))
	for _, u := range out.Result {
		users = append(users, vendorapi.User{ExternalID: u.SysID, Email: u.Email, Name: u.Name, Active: u.Active != "false"})
	}
	if len(out.Result) == 0 {
		next = ""
	}
	return users, next, nil
}
