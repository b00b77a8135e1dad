package httpconn

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"presencehub.dev/hub/internal/vendorapi"
)

// linkNext matches the rel="next" entry of a Link header.
var linkNext = regexp.MustCompile(`<([^>]*)>\s*;\s*rel="?next"?`)

// usersPage is one page of the user list, mapped.
type usersPage struct {
	answer       *answer
	users        []vendorapi.User
	count, total int64
	next         string
}

// ListUsers reads one page of users. With page pagination the cursor is "page:processed" (the next
// page's number and the users counted before it) and the list ends once processed reaches the total;
// with next_link pagination it is the next page's URL.
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	p, err := a.usersPage(ctx, cursor)
	if err != nil {
		return nil, "", fmt.Errorf("listing users: %w", err)
	}
	return p.users, p.next, nil
}

func (a *Adapter) usersPage(ctx context.Context, cursor string) (*usersPage, error) {
	l := a.spec.ListUsers
	if l == nil {
		return nil, fmt.Errorf("%w: the connector has no list_users", vendorapi.ErrUnsupported)
	}
	var (
		ans             *answer
		err             error
		page, processed int
		pagination, v   = l.pagination(), a.with(nil)
	)
	switch pagination {
	case PagePaging:
		page, processed = l.firstPage(), 0
		if cursor != "" {
			if page, processed, err = parsePageCursor(cursor); err != nil {
				return nil, err
			}
		}
		v[VarPage] = strconv.Itoa(page)
		ans, err = a.send(ctx, l.Request, v, nil)
	case NextLinkPaging:
		var target *url.URL
		if cursor != "" {
			if target, err = a.sameHost(a.base, cursor); err != nil {
				return nil, err
			}
		}
		ans, err = a.send(ctx, l.Request, v, target)
	default:
		ans, err = a.send(ctx, l.Request, v, nil)
	}
	if err != nil {
		return &usersPage{answer: ans}, err
	}
	p, err := a.mapUsers(l, ans)
	if err != nil {
		return &usersPage{answer: ans}, err
	}
	switch pagination {
	case PagePaging:
		processed += int(p.count)
		if len(p.users) > 0 && p.count > 0 && int64(processed) < p.total {
			p.next = fmt.Sprintf("%d:%d", page+1, processed)
		}
	case NextLinkPaging:
		next := ""
		if l.NextPath != "" {
			next = gjson.GetBytes(ans.body, l.NextPath).String()
		} else if m := linkNext.FindStringSubmatch(ans.header.Get("Link")); m != nil {
			next = m[1]
		}
		if next != "" && len(p.users) > 0 {
			u, err := a.sameHost(ans.url, next)
			if err != nil {
				return &usersPage{answer: ans}, err
			}
			p.next = u.String()
		}
	}
	return p, nil
}

// mapUsers reads the users and counts out of an answer through the list's JSON paths.
func (a *Adapter) mapUsers(l *UserList, ans *answer) (*usersPage, error) {
	if !gjson.ValidBytes(ans.body) {
		return nil, fmt.Errorf("%w: the answer is not JSON: %s", vendorapi.ErrBadAnswer, a.snippet(ans.body, 100))
	}
	list := gjson.GetBytes(ans.body, l.UsersPath)
	if !list.IsArray() {
		return nil, fmt.Errorf("%w: users_path %q is not an array in the answer", vendorapi.ErrBadAnswer, l.UsersPath)
	}
	p := &usersPage{answer: ans}
	list.ForEach(func(_, u gjson.Result) bool {
		user := vendorapi.User{ExternalID: u.Get(l.IDPath).String(), Email: u.Get(l.EmailPath).String(), Active: true}
		if l.NamePath != "" {
			user.Name = u.Get(l.NamePath).String()
		}
		p.users = append(p.users, user)
		return true
	})
	p.count = int64(len(p.users))
	if l.CountPath != "" {
		if c := gjson.GetBytes(ans.body, l.CountPath); c.Exists() {
			p.count = c.Int()
		}
	}
	if l.TotalPath != "" {
		t := gjson.GetBytes(ans.body, l.TotalPath)
		if !t.Exists() && l.pagination() == PagePaging {
			return nil, fmt.Errorf("%w: total_path %q is not in the answer", vendorapi.ErrBadAnswer, l.TotalPath)
		}
		p.total = t.Int()
	}
	return p, nil
}

// sameHost resolves a next link against from; it must stay on the connection's scheme and host, so
// credentials only ever go where the admin pointed the connection.
func (a *Adapter) sameHost(from *url.URL, link string) (*url.URL, error) {
	u, err := from.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("%w: bad next link: %w", vendorapi.ErrBadAnswer, err)
	}
	if u.Scheme != a.base.Scheme || u.Host != a.base.Host {
		return nil, fmt.Errorf("%w: the next link leaves the connection's host (%s)", vendorapi.ErrBadAnswer, a.redact.Replace(u.Host))
	}
	return u, nil
}

// parsePageCursor reads "page:processed".
func parsePageCursor(c string) (page, processed int, err error) {
	ps, pr, ok := strings.Cut(c, ":")
	page, err1 := strconv.Atoi(ps)
	processed, err2 := strconv.Atoi(pr)
	if !ok || err1 != nil || err2 != nil || page < 0 || processed < 0 {
		return 0, 0, fmt.Errorf("%w: bad page cursor %q", vendorapi.ErrBadAnswer, c)
	}
	return page, processed, nil
}
