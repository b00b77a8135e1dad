package console

import (
	"net/http"
	"net/url"
)

// planned is what one connection would get from a status change, and why (GetPresencePlan).
type planned struct {
	ConnectionID   string `json:"connection_id"`
	ConnectionName string `json:"connection_name"`
	Vendor         string `json:"vendor"`
	ExternalID     string `json:"external_id"`
	RuleID         string `json:"rule_id"`
	RuleName       string `json:"rule_name"`
	RuleSource     string `json:"rule_source"`
	Write          bool   `json:"write"`
	Status         string `json:"status"`
	VendorState    string `json:"vendor_state"`
	Reason         string `json:"reason"`
}

// dryRun is the agent page's "what would each vendor get" panel.
type dryRun struct {
	Status  string
	Plan    []planned
	Problem string
	Ran     bool
}

// planFor asks the API's dry run what setting the agent to status would write, per connection.
func (c *Console) planFor(r *http.Request, s session, agentID, status string) dryRun {
	d := dryRun{Status: status, Ran: true}
	var out struct {
		Connections []planned `json:"connections"`
	}
	path := tenantPath(s, "/agents/"+url.PathEscape(agentID)+"/presence-plan?"+url.Values{"status": {status}}.Encode())
	if err := c.api.do(r.Context(), s.key, http.MethodGet, path, nil, &out); err != nil {
		d.Problem = err.Error()
	}
	d.Plan = out.Connections
	return d
}
