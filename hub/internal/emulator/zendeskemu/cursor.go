package zendeskemu

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// cursor is one cursor page: ids[lo:hi] of a list ordered by id.
type cursor struct {
	lo, hi, size int
	// more: the list goes on in the direction read (after, or before with backward).
	more, backward bool
}

// readCursor reads page[size] (1..100, default 100), page[after] and page[before] (not combined)
// over ids (ascending); a bad parameter is answered 400 naming it, and ok is false.
func readCursor(w http.ResponseWriter, r *http.Request, ids []int64) (c cursor, ok bool) {
	q := r.URL.Query()
	c.size = 100
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusBadRequest, "InvalidPaginationParameter", "page[size] must be between 1 and 100")
			return c, false
		}
		c.size = n
	}
	after, before := q.Get("page[after]"), q.Get("page[before]")
	if after != "" && before != "" {
		writeError(w, http.StatusBadRequest, "InvalidPaginationParameter", "page[after] and page[before] cannot be combined")
		return c, false
	}
	switch {
	case after != "":
		id, valid := decodeCursor(after)
		if !valid {
			writeError(w, http.StatusBadRequest, "InvalidPaginationParameter", "page[after] is not a valid cursor")
			return c, false
		}
		c.lo = sort.Search(len(ids), func(i int) bool { return ids[i] > id })
		c.hi, c.more = min(c.lo+c.size, len(ids)), c.lo+c.size < len(ids)
	case before != "":
		id, valid := decodeCursor(before)
		if !valid {
			writeError(w, http.StatusBadRequest, "InvalidPaginationParameter", "page[before] is not a valid cursor")
			return c, false
		}
		c.hi = sort.Search(len(ids), func(i int) bool { return ids[i] >= id })
		c.lo, c.more, c.backward = max(c.hi-c.size, 0), c.hi-c.size > 0, true
	default:
		c.hi, c.more = min(c.size, len(ids)), c.size < len(ids)
	}
	return c, true
}

// metaLinks are the page's meta and links. The link that would lead past the end of the list in the
// direction read is null, as is every link of an empty page (meta.has_more false).
func (c cursor) metaLinks(r *http.Request, ids []int64, suffix string) (meta, links map[string]any) {
	meta = map[string]any{"has_more": c.more, "after_cursor": nil, "before_cursor": nil}
	links = map[string]any{"next": nil, "prev": nil}
	if c.lo < c.hi {
		ac, bc := encodeCursor(ids[c.hi-1]), encodeCursor(ids[c.lo])
		meta["after_cursor"], meta["before_cursor"] = ac, bc
		if c.more || c.backward {
			links["next"] = pageLink(r, c.size, "page[after]", ac, suffix)
		}
		if c.more || !c.backward {
			links["prev"] = pageLink(r, c.size, "page[before]", bc, suffix)
		}
	}
	return meta, links
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("u:" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "u:") {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b[2:]), 10, 64)
	return id, err == nil
}

// pageLink is the absolute URL of the request (its path plus suffix) with its cursor replaced,
// brackets left readable.
func pageLink(r *http.Request, size int, key, cursor, suffix string) string {
	q := r.URL.Query()
	q.Del("page[after]")
	q.Del("page[before]")
	q.Set("page[size]", strconv.Itoa(size))
	q.Set(key, cursor)
	enc := strings.NewReplacer("%5B", "[", "%5D", "]").Replace(q.Encode())
	return baseURL(r) + r.URL.Path + suffix + "?" + enc
}
