package aircallemu

import (
	"fmt"
	"net/http"
	"strconv"
)

// Pagination limits.
const (
	defaultPerPage = 20
	// MaxPerPage is the largest page; a larger per_page is clamped to it.
	MaxPerPage = 50
	// maxRecords is how deep a list can be read (Aircall: 10,000 records per query).
	maxRecords = 10000
)

// page is a list request's page and page size.
type page struct{ page, perPage int }

// parsePage reads page (default 1) and per_page (default 20, clamped to 1..50). It answers 400 itself
// for non-numeric values or a page past the 10,000th record, and then reports false.
func parsePage(w http.ResponseWriter, r *http.Request) (page, bool) {
	q := r.URL.Query()
	p := page{page: 1, perPage: defaultPerPage}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"page", &p.page}, {"per_page", &p.perPage}} {
		v := q.Get(f.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			badRequest(w, f.name+" must be an integer")
			return page{}, false
		}
		*f.dst = n
	}
	p.page = max(p.page, 1)
	p.perPage = min(max(p.perPage, 1), MaxPerPage)
	if (p.page-1)*p.perPage >= maxRecords {
		badRequest(w, fmt.Sprintf("lists are capped at %d records; narrow the query with from/to", maxRecords))
		return page{}, false
	}
	return p, true
}

// bounds is the slice of a list of total items this page covers.
func (p page) bounds(total int) (lo, hi int) {
	lo = min((p.page-1)*p.perPage, total)
	hi = min(lo+p.perPage, total)
	return lo, hi
}

// meta is a list's "meta" object, with absolute links built from the request.
type meta struct {
	Count            int     `json:"count"`
	Total            int     `json:"total"`
	CurrentPage      int     `json:"current_page"`
	PerPage          int     `json:"per_page"`
	NextPageLink     *string `json:"next_page_link"`
	PreviousPageLink *string `json:"previous_page_link"`
}

func (p page) meta(r *http.Request, count, total int) meta {
	m := meta{Count: count, Total: total, CurrentPage: p.page, PerPage: p.perPage}
	link := func(n int) *string {
		s := fmt.Sprintf("%s%s?page=%d&per_page=%d", baseURL(r), r.URL.Path, n, p.perPage)
		return &s
	}
	if p.page*p.perPage < min(total, maxRecords) {
		m.NextPageLink = link(p.page + 1)
	}
	if p.page > 1 {
		m.PreviousPageLink = link(p.page - 1)
	}
	return m
}
