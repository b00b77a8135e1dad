package console

import (
	"errors"
	"net/http"
	"strings"
)

// ruleTemplate is one of the API's ready-made mappings between two vendors.
type ruleTemplate struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Vendors     []string `json:"vendors"`
	Directions  []string `json:"directions"`
}

// applyForm is the "apply a template" form: the chosen template, and for each of its vendors the
// connections of that vendor to pick from.
type applyForm struct {
	Template  string
	Chosen    *ruleTemplate
	ConnsOf   map[string][]connection // vendor -> the tenant's connections of that vendor
	Values    map[string]string       // direction, conn.<vendor>: to show again after an error
	Teams     []team                  // the tenant's teams, to assign the created rules to
	TeamIDs   []string                // the teams picked
	Fields    map[string]string       // the API's field errors (template, direction, connections.<vendor>)
	Problems  map[string]string       // the API's errors about the rules it would have created
	LoadError string
}

// loadApplyForm reads the templates and fills the form of the chosen one.
func (c *Console) loadApplyForm(r *http.Request, s session, conns []connection, teams []team, f applyForm) ([]ruleTemplate, applyForm) {
	f.Teams = teams
	var out struct {
		Templates []ruleTemplate `json:"templates"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/rule-templates"), nil, &out); err != nil {
		f.LoadError = "The rule templates could not be read: " + err.Error()
		return nil, f
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	for i, t := range out.Templates {
		if t.Name != f.Template {
			continue
		}
		f.Chosen = &out.Templates[i]
		f.ConnsOf = map[string][]connection{}
		for _, v := range t.Vendors {
			f.ConnsOf[v] = []connection{}
			for _, cn := range conns {
				if cn.Vendor == v {
					f.ConnsOf[v] = append(f.ConnsOf[v], cn)
				}
			}
		}
	}
	return out.Templates, f
}

// applyTemplate creates a template's rules through the API; its field errors come back inline.
func (c *Console) applyTemplate(w http.ResponseWriter, r *http.Request, s session) {
	f := applyForm{Template: r.PostFormValue("template"), Values: map[string]string{"direction": r.PostFormValue("direction")}}
	f.TeamIDs = r.PostForm["team"]
	body := map[string]any{"template": f.Template, "direction": f.Values["direction"], "team_ids": f.TeamIDs}
	conns := map[string]string{}
	for k, vs := range r.PostForm {
		if v, ok := strings.CutPrefix(k, "conn."); ok && len(vs) > 0 {
			conns[v] = vs[0]
			f.Values[k] = vs[0]
		}
	}
	body["connections"] = conns
	var out struct {
		Rules []rule `json:"rules"`
	}
	err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/rules:applyTemplate"), body, &out)
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		f.Fields, f.Problems = map[string]string{}, map[string]string{}
		for k, msg := range ae.Fields {
			if k == "template" || k == "direction" || strings.HasPrefix(k, "connections.") {
				f.Fields[k] = msg
			} else {
				f.Problems[k] = msg
			}
		}
		code := ae.Status
		if code == http.StatusBadRequest {
			code = http.StatusUnprocessableEntity // the page shows the form again, with the errors
		}
		problem := "The hub refused the template: " + ae.Message
		if len(ae.Fields) > 0 {
			problem = "The hub refused the template: see the problems marked below."
		}
		c.renderRules(w, r, s, code, f, problem, "")
		return
	case err != nil:
		c.renderRules(w, r, s, http.StatusInternalServerError, f, err.Error(), "")
		return
	}
	notice := "Template " + f.Template + " applied: created"
	for i, ru := range out.Rules {
		if i > 0 {
			notice += ","
		}
		notice += " " + ru.Name
	}
	c.renderRules(w, r, s, http.StatusOK, applyForm{}, "", notice+".")
}
