package console

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// rule is the API's Rule as the console edits it.
type rule struct {
	ID             string    `json:"id,omitempty"`
	Name           string    `json:"name"`
	ConnectionID   string    `json:"connection_id,omitempty"`
	Inbound        []mapping `json:"inbound"`
	Outbound       []mapping `json:"outbound"`
	TeamIDs        []string  `json:"team_ids,omitempty"`
	AgentIDs       []string  `json:"agent_ids,omitempty"`
	FallbackStatus string    `json:"fallback_status"`
}

// mapping is one inbound or outbound row of the API.
type mapping struct {
	VendorState string `json:"vendor_state"`
	Status      string `json:"status"`
}

// Directions of an editor row.
const (
	dirIn   = "inbound"  // vendor state -> hub status
	dirOut  = "outbound" // hub status -> vendor state
	dirBoth = "both"
)

// ruleRow is one line of the mapping editor: a hub status, a vendor state and the direction between.
type ruleRow struct {
	Status, State, Dir string
	Error              string // the API's complaint about this row
}

// rowsOf turns a rule's two lists into editor rows: a pair mapped both ways is one "both" row.
func rowsOf(r rule) []ruleRow {
	var rows []ruleRow
	out := map[mapping]bool{}
	for _, m := range r.Outbound {
		out[m] = true
	}
	for _, m := range r.Inbound {
		d := dirIn
		if out[m] {
			d, out[m] = dirBoth, false
		}
		rows = append(rows, ruleRow{Status: m.Status, State: m.VendorState, Dir: d})
	}
	for _, m := range r.Outbound {
		if out[m] {
			rows = append(rows, ruleRow{Status: m.Status, State: m.VendorState, Dir: dirOut})
		}
	}
	return rows
}

// rowIndex remembers which editor row each of the API's list entries came from.
type rowIndex struct{ inbound, outbound []int }

// mappingsOf turns editor rows into the API's lists, skipping blank rows.
func mappingsOf(rows []ruleRow) (in, out []mapping, idx rowIndex) {
	in, out = []mapping{}, []mapping{}
	for i, row := range rows {
		if row.Status == "" && row.State == "" {
			continue
		}
		m := mapping{VendorState: row.State, Status: row.Status}
		if row.Dir == dirIn || row.Dir == dirBoth {
			in, idx.inbound = append(in, m), append(idx.inbound, i)
		}
		if row.Dir == dirOut || row.Dir == dirBoth {
			out, idx.outbound = append(out, m), append(idx.outbound, i)
		}
	}
	return in, out, idx
}

// placeErrors puts each of the API's field errors beside its row ("inbound[2].status" is the row the
// third inbound entry came from); it returns the errors of other fields.
func placeErrors(rows []ruleRow, idx rowIndex, fields map[string]string) map[string]string {
	rest := map[string]string{}
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		msg, row := fields[f], -1
		for list, at := range map[string][]int{dirIn: idx.inbound, dirOut: idx.outbound} {
			if n, ok := listIndex(f, list); ok && n < len(at) {
				row = at[n]
				msg = fmt.Sprintf("%s (%s): %s", list, strings.TrimPrefix(f[strings.Index(f, "]")+1:], "."), msg)
			}
		}
		if row < 0 {
			rest[f] = msg
			continue
		}
		if rows[row].Error != "" {
			rows[row].Error += "; "
		}
		rows[row].Error += msg
	}
	return rest
}

// listIndex reads n from "<list>[n]..." .
func listIndex(field, list string) (int, bool) {
	rest, ok := strings.CutPrefix(field, list+"[")
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil && n >= 0
}
