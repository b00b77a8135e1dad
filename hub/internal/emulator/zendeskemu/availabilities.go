package zendeskemu

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// listAvailabilities serves GET /api/v2/agent_availabilities: every agent's availability, cursor
// paginated only (page[size], page[after], page[before]), links also in the Link header, filtered by
// filter[channel_status]=<channel>:<status>, filter[agent_status_id]=<id>, filter[group_ids] and
// filter[skills] (comma-separated; the emulated agents belong to no group and have no skills). An
// unknown filter or a malformed channel_status is answered 400 naming it. Unconfirmed: the default
// page size (100 here, Zendesk's cursor maximum) and that an offset "page" parameter is refused.
func (e *Emulator) listAvailabilities(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("page") || q.Has("per_page") {
		writeError(w, http.StatusBadRequest, "InvalidPaginationParameter", "agent_availabilities supports cursor pagination only (page[size], page[after], page[before])")
		return
	}
	keep, err := e.availabilityFilter(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidParameter", err.Error())
		return
	}
	e.mu.Lock()
	var match []*user
	for _, u := range e.users {
		if u.isAgent() && keep(u) {
			match = append(match, u)
		}
	}
	ids := make([]int64, len(match))
	for i, u := range match {
		ids[i] = u.id
	}
	c, ok := readCursor(w, r, ids)
	if !ok {
		e.mu.Unlock()
		return
	}
	data, included := []any{}, []any{}
	base := baseURL(r)
	for _, u := range match[c.lo:c.hi] {
		d, inc := e.availabilityLocked(u, base)
		data, included = append(data, d), append(included, inc...)
	}
	e.mu.Unlock()
	meta, links := c.metaLinks(r, ids, "")
	var link []string
	for _, rel := range []string{"next", "prev"} {
		if s, ok := links[rel].(string); ok {
			link = append(link, fmt.Sprintf("<%s>; rel=%q", s, rel))
		}
	}
	if len(link) > 0 {
		w.Header().Set("Link", strings.Join(link, ", "))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "included": included, "meta": meta, "links": links})
}

// availabilityFilter reads the filter[...] parameters into a predicate; e.mu must be held when it is
// called.
func (e *Emulator) availabilityFilter(q map[string][]string) (func(*user) bool, error) {
	var preds []func(*user) bool
	for key, vals := range q {
		name, ok := strings.CutPrefix(key, "filter[")
		if !ok {
			continue
		}
		name, val := strings.TrimSuffix(name, "]"), strings.Join(vals, ",")
		switch name {
		case "channel_status":
			ch, st, ok := strings.Cut(val, ":")
			if !ok || !slices.Contains(channelNames, ch) || !slices.Contains(talkStates, st) {
				return nil, fmt.Errorf("filter[channel_status] must be <channel>:<status>, channel one of %s, status one of %s",
					strings.Join(channelNames, ", "), strings.Join(talkStates, ", "))
			}
			preds = append(preds, func(u *user) bool { return e.channelsLocked(u)[ch] == st })
		case "agent_status_id":
			id, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("filter[agent_status_id] must be an integer, got %q", val)
			}
			preds = append(preds, func(u *user) bool { return !e.opts.TalkOnly && u.status == id })
		case "group_ids", "skills":
			if val != "" {
				preds = append(preds, func(*user) bool { return false })
			}
		default:
			return nil, fmt.Errorf("filter[%s] is not a known filter (channel_status, agent_status_id, group_ids, skills)", name)
		}
	}
	return func(u *user) bool {
		for _, p := range preds {
			if !p(u) {
				return false
			}
		}
		return true
	}, nil
}
