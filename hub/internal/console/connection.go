package console

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// connectionData is one connection's page: its edit form, vendor states and agent sync runs.
type connectionData struct {
	Conn        connection
	Form        vendorForm        // the vendor's credential and settings fields
	SettingKeys []string          // the vendor form's settings, then any other stored setting
	Values      map[string]string // name, base_url, set.<key> as submitted, shown again after an error
	Fields      map[string]string // the API's field errors
	States      []stateOption
	StatesError string
	Tested      bool // the page answers "test connection"
	TestTook    time.Duration
	Runs        []syncRun
	RunsError   string
}

// connectionPage shows a connection.
func (c *Console) connectionPage(w http.ResponseWriter, r *http.Request, s session) {
	c.renderConnection(w, r, s, http.StatusOK, connectionData{}, noticeOf(r), "")
}

// testConnection asks the vendor for its states through the API (the API has no separate test call)
// and shows whether it answered.
func (c *Console) testConnection(w http.ResponseWriter, r *http.Request, s session) {
	c.renderConnection(w, r, s, http.StatusOK, connectionData{Tested: true}, "", "")
}

// renderConnection reads the connection, its vendor states and its sync runs, and shows them.
func (c *Console) renderConnection(w http.ResponseWriter, r *http.Request, s session, code int, d connectionData, notice, problem string) {
	ctx, id := r.Context(), r.PathValue("id")
	path := tenantPath(s, "/connections/"+url.PathEscape(id))
	var out struct {
		Connection connection `json:"connection"`
	}
	if err := c.api.do(ctx, s.key, http.MethodGet, path, nil, &out); err != nil {
		http.Error(w, "no such connection in this tenant", http.StatusNotFound)
		return
	}
	v := c.baseView(r, s, "Connection "+out.Connection.Name, "connections")
	v.Notice, v.Error = notice, problem
	d.Conn = out.Connection
	d.Form, _ = formOf(d.Conn.Vendor)
	for _, f := range d.Form.Settings {
		d.SettingKeys = append(d.SettingKeys, f.Key)
	}
	for _, k := range slices.Sorted(maps.Keys(d.Conn.Settings)) {
		if !slices.Contains(d.SettingKeys, k) {
			d.SettingKeys = append(d.SettingKeys, k)
		}
	}
	if d.Values == nil {
		d.Values = map[string]string{"name": d.Conn.Name, "base_url": d.Conn.BaseURL}
		for k, val := range d.Conn.Settings {
			d.Values["set."+k] = val
		}
	}
	var vs struct {
		States []stateOption `json:"states"`
	}
	start := c.opts.Clock.Now()
	if err := c.api.do(ctx, s.key, http.MethodGet, path+"/vendor-states", nil, &vs); err != nil {
		d.StatesError = err.Error()
	}
	d.TestTook = c.opts.Clock.Now().Sub(start).Round(time.Millisecond)
	d.States = vs.States
	d.Runs, d.RunsError = c.listSyncRuns(r, s, id)
	v.Data = d
	c.render(w, r, code, "connection", v)
}

// updateConnection saves the edit form: name, base URL, enabled, settings (an emptied value removes
// the setting) and, only when asked, replaces every stored credential with those typed. Credentials
// are never rendered back.
func (c *Console) updateConnection(w http.ResponseWriter, r *http.Request, s session) {
	id := r.PathValue("id")
	var cur struct {
		Connection connection `json:"connection"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/connections/"+url.PathEscape(id)), nil, &cur); err != nil {
		http.Error(w, "no such connection in this tenant", http.StatusNotFound)
		return
	}
	f, _ := formOf(cur.Connection.Vendor) // the stored vendor's credential fields, whatever the form says
	values := map[string]string{"name": strings.TrimSpace(r.PostFormValue("name")), "base_url": strings.TrimSpace(r.PostFormValue("base_url"))}
	settings := map[string]string{}
	for k, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "set."); ok && len(vs) > 0 {
			values[k] = strings.TrimSpace(vs[0])
			if values[k] != "" {
				settings[key] = values[k]
			}
		}
	}
	if k, val := strings.TrimSpace(r.PostFormValue("new_key")), strings.TrimSpace(r.PostFormValue("new_value")); k != "" {
		settings[k], values["set."+k] = val, val
	}
	body := map[string]any{"name": values["name"], "base_url": values["base_url"], "settings": settings,
		"enabled": r.PostFormValue("enabled") == "on"}
	mask := "name,base_url,settings,enabled"
	if r.PostFormValue("replace_credentials") == "on" {
		creds := map[string]string{}
		for _, fl := range f.Credentials {
			if v := r.PostFormValue("cred." + fl.Key); v != "" {
				creds[fl.Key] = v
			}
		}
		body["credentials"], mask = creds, mask+",credentials"
	}
	err := c.api.do(r.Context(), s.key, http.MethodPatch, tenantPath(s, "/connections/"+url.PathEscape(id)+"?update_mask="+mask), body, nil)
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		code := ae.Status
		if code == http.StatusBadRequest {
			code = http.StatusUnprocessableEntity // the page shows the form again, with the errors
		}
		c.renderConnection(w, r, s, code, connectionData{Values: values, Fields: ae.Fields}, "", "The hub refused the change: "+ae.Message)
		return
	case err != nil:
		c.renderConnection(w, r, s, http.StatusInternalServerError, connectionData{Values: values}, "", err.Error())
		return
	}
	done(w, r, "/console/connections/"+url.PathEscape(id), "conn-saved")
}
