package servicenow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"presencehub.dev/hub/internal/vendorapi"
)

// pollCursor is where a poll left off: the newest sys_updated_on seen and the sys_mod_count of each
// presence row updated at that second (ServiceNow times have one-second resolution, so the next poll
// reads that second again).
type pollCursor struct {
	Since string         `json:"since"`
	Mods  map[string]int `json:"mods,omitempty"`
}

type presenceRow struct {
	SysID     string `json:"sys_id"`
	Agent     string `json:"agent"`
	State     string `json:"current_presence_state"`
	UpdatedOn string `json:"sys_updated_on"`
	UpdatedBy string `json:"sys_updated_by"`
	ModCount  string `json:"sys_mod_count"`
}

// pollFields are the awa_agent_presence fields a poll reads.
const pollFields = "sys_id,agent,current_presence_state,sys_updated_on,sys_updated_by,sys_mod_count"

// Poll reports the awa_agent_presence rows updated since the cursor, oldest first, skipping changes
// already reported (by the business rule, or a poll of the same second). The first poll ("") only
// finds where to start. With the setting poll=off it sends nothing and reports nothing.
func (a *Adapter) Poll(ctx context.Context, cursor string) ([]vendorapi.Change, string, error) {
	if !a.poll {
		return nil, cursor, nil
	}
	if cursor == "" {
		return a.baseline(ctx)
	}
	var cur pollCursor
	if err := json.Unmarshal([]byte(cursor), &cur); err != nil || cur.Since == "" {
		return nil, "", fmt.Errorf("polling servicenow: %w %q", vendorapi.ErrBadCursor, cursor)
	}
	next := pollCursor{Since: cur.Since, Mods: map[string]int{}}
	var changes []vendorapi.Change
	for off := "0"; off != ""; {
		q := url.Values{"sysparm_query": {"sys_updated_on>=" + cur.Since + "^ORDERBYsys_updated_on^ORDERBYsys_id"},
			"sysparm_fields": {pollFields}, "sysparm_exclude_reference_link": {"true"},
			"sysparm_limit": {strconv.Itoa(pageSize)}, "sysparm_offset": {off}}
		var out struct {
			Result []presenceRow `json:"result"`
		}
		more, err := a.tablePage(ctx, "awa_agent_presence", q, &out)
		if err != nil {
			return nil, cursor, fmt.Errorf("polling servicenow: %w", err)
		}
		for _, r := range out.Result {
			mod, err := strconv.Atoi(r.ModCount)
			if err != nil || r.Agent == "" {
				continue
			}
			if r.UpdatedOn > next.Since {
				next.Since, next.Mods = r.UpdatedOn, map[string]int{}
			}
			key := rowKey(r.SysID, r.Agent)
			if r.UpdatedOn == next.Since {
				next.Mods[key] = mod
			}
			if seen, ok := cur.Mods[key]; (ok && r.UpdatedOn == cur.Since && mod <= seen) || !a.fresh(key, mod) {
				continue
			}
			changes = append(changes, a.change(r.Agent, r.State, r.UpdatedBy, r.SysID, r.UpdatedOn, mod))
		}
		if off = more; len(out.Result) == 0 {
			break
		}
	}
	return changes, encode(next), nil
}

// baseline starts polling at the newest change so far.
func (a *Adapter) baseline(ctx context.Context) ([]vendorapi.Change, string, error) {
	q := url.Values{"sysparm_query": {"ORDERBYDESCsys_updated_on"}, "sysparm_fields": {pollFields},
		"sysparm_exclude_reference_link": {"true"}, "sysparm_limit": {strconv.Itoa(pageSize)}, "sysparm_no_count": {"true"}}
	var out struct {
		Result []presenceRow `json:"result"`
	}
	if _, err := a.tablePage(ctx, "awa_agent_presence", q, &out); err != nil {
		return nil, "", fmt.Errorf("polling servicenow: %w", err)
	}
	c := pollCursor{Since: "1970-01-01 00:00:00", Mods: map[string]int{}}
	for i, r := range out.Result {
		if i == 0 {
			c.Since = r.UpdatedOn
		}
		if mod, err := strconv.Atoi(r.ModCount); err == nil && r.UpdatedOn == c.Since {
			c.Mods[rowKey(r.SysID, r.Agent)] = mod
			a.fresh(rowKey(r.SysID, r.Agent), mod)
		}
	}
	return nil, encode(c), nil
}

func encode(c pollCursor) string {
	b, _ := json.Marshal(c)
	return string(b)
}
