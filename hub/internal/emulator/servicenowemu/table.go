package servicenowemu

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// defaultLimit is the Table API's page size when sysparm_limit is absent.
const defaultLimit = 10000

// row is a record: raw values by field, and which fields reference which table.
type row struct {
	values map[string]string
	refs   map[string]string // field → referenced table
}

// rows returns a table's records; mu must be held. ok is false for a table the instance lacks.
func (e *Emulator) rows(table string) (out []row, ok bool) {
	switch table {
	case "sys_user":
		for _, id := range e.order {
			u := e.users[id]
			out = append(out, row{values: map[string]string{"sys_id": u.sysID, "user_name": u.userName, "email": u.email,
				"name": u.name, "active": "true", "sys_created_on": glideTime(u.createdOn)}})
		}
	case "awa_presence_state":
		for _, s := range states() {
			out = append(out, row{values: map[string]string{"sys_id": s.SysID, "name": s.Name, "available": strconv.FormatBool(s.Available),
				"order": strconv.Itoa(s.Order), "active": strconv.FormatBool(s.Active)}})
		}
	case "awa_agent_presence":
		for _, id := range e.order {
			u := e.users[id]
			out = append(out, row{values: map[string]string{"sys_id": u.presenceID, "agent": u.sysID, "current_presence_state": u.state,
				"sys_updated_on": glideTime(u.updatedOn), "sys_updated_by": u.updatedBy, "sys_mod_count": strconv.Itoa(u.modCount)},
				refs: map[string]string{"agent": "sys_user", "current_presence_state": "awa_presence_state"}})
		}
	default:
		return nil, false
	}
	return out, true
}

// table serves GET /api/now/table/{table}[/{sys_id}].
func (e *Emulator) table(w http.ResponseWriter, r *http.Request, seg []string) {
	if !only(w, r, http.MethodGet) || len(seg) > 2 {
		return
	}
	q := r.URL.Query()
	mode := q.Get("sysparm_display_value")
	if mode != "" && mode != "true" && mode != "false" && mode != "all" {
		failure(w, http.StatusBadRequest, "Invalid sysparm_display_value "+strconv.Quote(mode), "sysparm_display_value must be true, false or all")
		return
	}
	e.mu.Lock()
	all, ok := e.rows(seg[0])
	names := e.displayNames()
	e.mu.Unlock()
	if !ok {
		failure(w, http.StatusBadRequest, "Invalid table "+seg[0], "")
		return
	}
	render := renderer(e.baseURL(r), q, names)
	if len(seg) == 2 {
		for _, rw := range all {
			if rw.values["sys_id"] == seg[1] {
				writeJSON(w, http.StatusOK, map[string]any{"result": render(rw)})
				return
			}
		}
		failure(w, http.StatusNotFound, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
		return
	}
	limit, offset, problem := window(q)
	if problem != "" {
		failure(w, http.StatusBadRequest, problem, "")
		return
	}
	matched := query(all, q.Get("sysparm_query"))
	total := len(matched)
	lo := min(offset, total)
	hi := min(lo+limit, total)
	result := make([]map[string]any, 0, hi-lo)
	for _, rw := range matched[lo:hi] {
		result = append(result, render(rw))
	}
	if q.Get("sysparm_no_count") != "true" {
		w.Header().Set("X-Total-Count", strconv.Itoa(total))
	}
	w.Header().Set("Link", links(r, e.baseURL(r), q, limit, offset, total))
	writeJSON(w, http.StatusOK, map[string]any{"result": result})
}

// window reads sysparm_limit and sysparm_offset; problem is ServiceNow's message for a bad one.
func window(q url.Values) (limit, offset int, problem string) {
	var err error
	limit, offset = defaultLimit, 0
	if v := q.Get("sysparm_limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return 0, 0, fmt.Sprintf("Invalid sysparm_limit %q", v)
		}
	}
	if v := q.Get("sysparm_offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, fmt.Sprintf("Invalid sysparm_offset %q", v)
		}
	}
	return limit, offset, ""
}

// links builds the Link header: first, prev (unless at the start), next (unless at the end), last.
func links(r *http.Request, base string, q url.Values, limit, offset, total int) string {
	at := func(off int, rel string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("sysparm_limit", strconv.Itoa(limit))
		v.Set("sysparm_offset", strconv.Itoa(off))
		return fmt.Sprintf("<%s%s?%s>;rel=%q", base, r.URL.Path, v.Encode(), rel)
	}
	last := 0
	if total > 0 {
		last = (total - 1) / limit * limit
	}
	parts := []string{at(0, "first")}
	if offset > 0 {
		parts = append(parts, at(max(0, offset-limit), "prev"))
	}
	if offset+limit < total {
		parts = append(parts, at(offset+limit, "next"))
	}
	return strings.Join(append(parts, at(last, "last")), ",")
}

// query filters and orders rows by an encoded query (the subset the package doc lists).
func query(all []row, encoded string) []row {
	out := slices.Clone(all)
	var orders []func(a, b row) int
	for _, term := range strings.Split(encoded, "^") {
		switch {
		case term == "":
		case strings.HasPrefix(term, "ORDERBYDESC"):
			f := strings.TrimPrefix(term, "ORDERBYDESC")
			orders = append(orders, func(a, b row) int { return strings.Compare(b.values[f], a.values[f]) })
		case strings.HasPrefix(term, "ORDERBY"):
			f := strings.TrimPrefix(term, "ORDERBY")
			orders = append(orders, func(a, b row) int { return strings.Compare(a.values[f], b.values[f]) })
		case strings.HasSuffix(term, "ISNOTEMPTY"):
			f := strings.TrimSuffix(term, "ISNOTEMPTY")
			out = slices.DeleteFunc(out, func(rw row) bool { return rw.values[f] == "" })
		default:
			for _, op := range []string{">=", ">", "="} {
				if f, v, ok := strings.Cut(term, op); ok {
					out = slices.DeleteFunc(out, func(rw row) bool { return !compare(rw.values[f], op, v) })
					break
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b row) int {
		for _, o := range orders {
			if c := o(a, b); c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

func compare(have, op, want string) bool {
	switch op {
	case ">=":
		return have >= want
	case ">":
		return have > want
	}
	return have == want
}
