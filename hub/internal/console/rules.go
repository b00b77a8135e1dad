package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// statusOption is a catalog status in the editor.
type statusOption struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Kind        string `json:"kind"`
}

// stateOption is one of the vendor's states, as ListVendorStates reports it.
type stateOption struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Settable bool   `json:"settable"`
	System   bool   `json:"system"`
}

// ruleData is the mapping editor.
type ruleData struct {
	Rule        rule
	New         bool
	Conn        connection
	Statuses    []statusOption
	States      []stateOption
	StatesError string
	Rows        []ruleRow
	Fields      map[string]string // the API's errors about fields other than rows
	Assign      assignment
}

// blankRows is how many empty rows the editor offers for new mappings.
const blankRows = 3

// rules lists the tenant's rules, with the template form (?template= picks one).
func (c *Console) rules(w http.ResponseWriter, r *http.Request, s session) {
	c.renderRules(w, r, s, http.StatusOK, applyForm{Template: r.URL.Query().Get("template")}, "", "")
}

// rulesData is the rules page.
type rulesData struct {
	Rules       []rule
	Connections []connection
	ConnName    map[string]string
	Scope       map[string]string
	Templates   []ruleTemplate
	Apply       applyForm
}

func (c *Console) renderRules(w http.ResponseWriter, r *http.Request, s session, code int, apply applyForm, problem, notice string) {
	v := c.baseView(r, s, "Rules", "rules")
	v.Notice = notice
	var out struct {
		Rules []rule `json:"rules"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/rules?page_size=200"), nil, &out); err != nil {
		v.Error = "Could not read the rules: " + err.Error()
	}
	if problem != "" {
		v.Error = problem
	}
	conns, _ := c.listConnections(r, s)
	names := map[string]string{}
	for _, cn := range conns {
		names[cn.ID] = cn.Name + " (" + cn.Vendor + ")"
	}
	teams, _ := c.listTeams(r, s)
	teamName := map[string]string{}
	for _, t := range teams {
		teamName[t.ID] = t.Name
	}
	d := rulesData{Rules: out.Rules, Connections: conns, ConnName: names, Scope: ruleScope(out.Rules, teamName)}
	if s.who.CanWrite() {
		d.Templates, d.Apply = c.loadApplyForm(r, s, conns, teams, apply)
	}
	v.Data = d
	c.render(w, r, code, "rules", v)
}

// newRule opens an empty editor for the chosen connection.
func (c *Console) newRule(w http.ResponseWriter, r *http.Request, s session) {
	d := ruleData{New: true, Rule: rule{ConnectionID: r.URL.Query().Get("connection")}}
	c.renderRule(w, r, s, http.StatusOK, d, "")
}

// editRule opens a rule in the editor.
func (c *Console) editRule(w http.ResponseWriter, r *http.Request, s session) {
	var out struct {
		Rule rule `json:"rule"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/rules/"+url.PathEscape(r.PathValue("id"))), nil, &out); err != nil {
		http.Error(w, "no such rule in this tenant", http.StatusNotFound)
		return
	}
	c.renderRule(w, r, s, http.StatusOK, ruleData{Rule: out.Rule, Rows: rowsOf(out.Rule)}, "")
}

// saveRule creates or updates a rule from the editor; the API's field errors come back beside the rows.
func (c *Console) saveRule(w http.ResponseWriter, r *http.Request, s session) {
	id := r.PathValue("id")
	d := ruleData{New: id == "", Rule: rule{ID: id, Name: strings.TrimSpace(r.PostFormValue("name")),
		ConnectionID: r.PostFormValue("connection_id"), FallbackStatus: r.PostFormValue("fallback_status")}}
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	for i := range min(n, 500) {
		p := "row." + strconv.Itoa(i) + "."
		d.Rows = append(d.Rows, ruleRow{Status: r.PostFormValue(p + "status"), State: strings.TrimSpace(r.PostFormValue(p + "state")), Dir: r.PostFormValue(p + "dir")})
	}
	var idx rowIndex
	d.Rule.Inbound, d.Rule.Outbound, idx = mappingsOf(d.Rows)
	var addProblem string
	d.Rule.TeamIDs, d.Rule.AgentIDs, addProblem = c.assignmentOf(r, s)
	if addProblem != "" {
		d.Fields = map[string]string{"add_agent": addProblem}
		c.renderRule(w, r, s, http.StatusUnprocessableEntity, d, "The rule was not saved: see the problem marked below.")
		return
	}
	var out struct {
		Rule rule `json:"rule"`
	}
	var err error
	if d.New {
		err = c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/rules"), d.Rule, &out)
	} else {
		body := map[string]any{"name": d.Rule.Name, "inbound": d.Rule.Inbound, "outbound": d.Rule.Outbound, "fallback_status": d.Rule.FallbackStatus,
			"team_ids": d.Rule.TeamIDs, "agent_ids": d.Rule.AgentIDs}
		err = c.api.do(r.Context(), s.key, http.MethodPatch, tenantPath(s, "/rules/"+url.PathEscape(id)), body, &out)
	}
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		d.Fields = placeErrors(d.Rows, idx, ae.Fields)
		code := ae.Status
		if code == http.StatusBadRequest {
			code = http.StatusUnprocessableEntity // the page shows the form again, with the errors
		}
		problem := "The hub refused the rule: " + ae.Message
		if len(ae.Fields) > 0 {
			problem = "The hub refused the rule: see the problems marked below."
		}
		c.renderRule(w, r, s, code, d, problem)
		return
	case err != nil:
		c.renderRule(w, r, s, http.StatusInternalServerError, d, err.Error())
		return
	}
	http.Redirect(w, r, "/console/rules/"+url.PathEscape(out.Rule.ID)+"?saved=1", http.StatusSeeOther)
}

// renderRule shows the editor with the connection's vendor states and the tenant's statuses.
func (c *Console) renderRule(w http.ResponseWriter, r *http.Request, s session, code int, d ruleData, problem string) {
	v := c.baseView(r, s, "Rule", "rules")
	v.Error = problem
	if r.URL.Query().Get("saved") == "1" && problem == "" {
		v.Notice = "Rule saved."
	}
	ctx := r.Context()
	var conn struct {
		Connection connection `json:"connection"`
	}
	if d.Rule.ConnectionID == "" || c.api.do(ctx, s.key, http.MethodGet, tenantPath(s, "/connections/"+url.PathEscape(d.Rule.ConnectionID)), nil, &conn) != nil {
		if problem == "" {
			http.Redirect(w, r, "/console/rules", http.StatusSeeOther)
			return
		}
		v.Error = problem + " (and its connection could not be read)"
		c.render(w, r, code, "rule", v) // no editor without a connection
		return
	}
	d.Conn = conn.Connection
	var st struct {
		Statuses []statusOption `json:"statuses"`
	}
	_ = c.api.do(ctx, s.key, http.MethodGet, tenantPath(s, "/statuses?page_size=200"), nil, &st)
	d.Statuses = st.Statuses
	var vs struct {
		States []stateOption `json:"states"`
	}
	if err := c.api.do(ctx, s.key, http.MethodGet, tenantPath(s, "/connections/"+url.PathEscape(d.Rule.ConnectionID)+"/vendor-states"), nil, &vs); err != nil {
		d.StatesError = "The vendor's states could not be read (" + err.Error() + "); type them as the vendor names them."
	}
	d.States = vs.States
	d.Assign = c.loadAssignment(r, s, d.Rule)
	if s.who.CanWrite() {
		for range blankRows {
			d.Rows = append(d.Rows, ruleRow{Dir: dirBoth})
		}
	}
	v.Data = d
	c.render(w, r, code, "rule", v)
}
