package servicenowemu

import (
	"net/url"
	"slices"
	"strings"
)

// displayNames maps a referenced record (table + "/" + sys_id) to its display value: a user's name, a
// presence state's name; e.mu must be held.
func (e *Emulator) displayNames() map[string]string {
	out := map[string]string{}
	for _, u := range e.users {
		out["sys_user/"+u.sysID] = u.name
	}
	for _, s := range states() {
		out["awa_presence_state/"+s.SysID] = s.Name
	}
	return out
}

// renderer renders a row as the Table API does with sysparm_fields, sysparm_exclude_reference_link
// and sysparm_display_value: false (default) gives values, reference fields as {"link", "value"};
// true gives display values, reference fields as {"display_value", "link"}; all gives every field as
// {"display_value", "value"}, reference fields with "link" too. Excluding reference links leaves a
// reference field a plain value (false), display value (true) or {"display_value", "value"} (all).
// Links use base, the scheme and host the client used.
func renderer(base string, q url.Values, names map[string]string) func(row) map[string]any {
	var fields []string
	if f := q.Get("sysparm_fields"); f != "" {
		fields = strings.Split(f, ",")
	}
	refLinks := q.Get("sysparm_exclude_reference_link") != "true"
	mode := q.Get("sysparm_display_value")
	return func(rw row) map[string]any {
		out := map[string]any{}
		for k, v := range rw.values {
			if fields != nil && !slices.Contains(fields, k) {
				continue
			}
			t := rw.refs[k]
			display := v
			if t != "" {
				display = names[t+"/"+v]
			}
			switch {
			case t == "" && mode == "all":
				out[k] = map[string]string{"display_value": display, "value": v}
			case t == "":
				out[k] = v
			case mode == "all" && refLinks:
				out[k] = map[string]string{"display_value": display, "link": base + "/api/now/table/" + t + "/" + v, "value": v}
			case mode == "all":
				out[k] = map[string]string{"display_value": display, "value": v}
			case mode == "true" && refLinks:
				out[k] = map[string]string{"display_value": display, "link": base + "/api/now/table/" + t + "/" + v}
			case mode == "true":
				out[k] = display
			case refLinks:
				out[k] = map[string]string{"link": base + "/api/now/table/" + t + "/" + v, "value": v}
			default:
				out[k] = v
			}
		}
		return out
	}
}
