package httpconn

import (
	"encoding/json"
	"fmt"
)

// Pagination rules of a user list.
const (
	// PagePaging increments {{page}} until the users processed reach the total (the seed's rule).
	PagePaging = "page"
	// NextLinkPaging follows the next link at NextPath, or the Link header's rel="next" without one.
	NextLinkPaging = "next_link"
	// NoPaging reads one page.
	NoPaging = "none"
)

// EventStatusChange runs an action when the hub writes a status to the connection (the outbox): the
// agent's external id and the vendor state the rule maps the status to are its variables.
const EventStatusChange = "status_change"

// ListUsersAction names the user list in a dry run.
const ListUsersAction = "list_users"

// Spec is a connection's HTTP connector: how to read its users and which requests presence events make.
// Its JSON form is the API's HttpConnector message with proto field names.
type Spec struct {
	ListUsers *UserList `json:"list_users,omitempty"`
	Actions   []Action  `json:"actions,omitempty"`
	// States are the vendor states rules may map outbound (all settable): what {{status}} can be.
	States []string `json:"states,omitempty"`
}

// Request is an HTTP request template. URL is a path relative to the connection's base URL; variables
// are written {{name}}: {{credentials.KEY}} and {{settings.KEY}} everywhere, plus the action's own.
type Request struct {
	Method  string            `json:"method,omitempty"`
	URL     string            `json:"url,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// UserList reads the vendor's users: the request ({{page}} in page paging) and where the answer keeps
// them, as JSON paths (GJSON syntax: "data.users", "meta.total").
type UserList struct {
	Request    Request `json:"request"`
	Pagination string  `json:"pagination,omitempty"`
	// FirstPage is the number of the first page (default 1).
	FirstPage int32 `json:"first_page,omitempty"`
	// UsersPath locates the array of users; IDPath, EmailPath and NamePath a user's fields in it.
	UsersPath string `json:"users_path,omitempty"`
	IDPath    string `json:"id_path,omitempty"`
	EmailPath string `json:"email_path,omitempty"`
	NamePath  string `json:"name_path,omitempty"`
	// CountPath is the page's user count (default: the users found); TotalPath the users in all pages.
	CountPath string `json:"count_path,omitempty"`
	TotalPath string `json:"total_path,omitempty"`
	// NextPath is the next page's link (absolute on the connection's host, or relative).
	NextPath string `json:"next_path,omitempty"`
}

// Action is a request bound to a presence event (or run only by dry runs when Event is "").
type Action struct {
	Name  string `json:"name"`
	Event string `json:"event,omitempty"`
	// States restricts a status_change action to these vendor states (empty: every state).
	States  []string `json:"states,omitempty"`
	Request Request  `json:"request"`
}

// Parse reads a stored spec ("" is an empty spec).
func Parse(raw string) (*Spec, error) {
	var s Spec
	if raw == "" {
		return &s, nil
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, fmt.Errorf("reading the HTTP connector: %w", err)
	}
	return &s, nil
}

// firstPage is the list's first page number.
func (l *UserList) firstPage() int {
	if l.FirstPage > 0 {
		return int(l.FirstPage)
	}
	return 1
}

// pagination is the list's rule (default: page).
func (l *UserList) pagination() string {
	if l.Pagination == "" {
		return PagePaging
	}
	return l.Pagination
}
