package console

import (
	"errors"
	"net/http"
	"strings"
)

// connectionsData is the connections page.
type connectionsData struct {
	Connections []connection
	Vendors     []vendorForm
	Form        *vendorForm       // the create form of the chosen vendor
	Values      map[string]string // name, base_url, set.<key> (never credentials) to show again after an error
	Fields      map[string]string // the API's field errors
	Generated   map[string]string // credentials the hub made, shown this once
}

// connections lists the tenant's connections and, for a writer, the create form of a vendor.
func (c *Console) connections(w http.ResponseWriter, r *http.Request, s session) {
	c.renderConnections(w, r, s, http.StatusOK, r.URL.Query().Get("vendor"), connectionsData{}, "")
}

func (c *Console) renderConnections(w http.ResponseWriter, r *http.Request, s session, code int, vendor string, d connectionsData, notice string) {
	v := c.baseView(r, s, "Connections", "connections")
	v.Notice = notice
	conns, err := c.listConnections(r, s)
	if err != nil {
		v.Error = "Could not read the connections: " + err.Error()
	}
	d.Connections, d.Vendors = conns, vendorForms
	if f, ok := formOf(vendor); ok && s.who.CanWrite() {
		d.Form = &f
	}
	v.Data = d
	c.render(w, r, code, "connections", v)
}

// createConnection creates a connection from the vendor's form. Credentials go to the API and are
// never rendered back, not even after an error.
func (c *Console) createConnection(w http.ResponseWriter, r *http.Request, s session) {
	vendor := r.PostFormValue("vendor")
	f, ok := formOf(vendor)
	if !ok {
		http.Error(w, "unknown vendor", http.StatusBadRequest)
		return
	}
	body := map[string]any{"name": strings.TrimSpace(r.PostFormValue("name")), "vendor": vendor,
		"base_url": strings.TrimSpace(r.PostFormValue("base_url"))}
	values := map[string]string{"name": body["name"].(string), "base_url": body["base_url"].(string)}
	creds, settings := map[string]string{}, map[string]string{}
	for _, fl := range f.Credentials {
		if v := r.PostFormValue("cred." + fl.Key); v != "" {
			creds[fl.Key] = v
		}
	}
	for _, fl := range f.Settings {
		if v := strings.TrimSpace(r.PostFormValue("set." + fl.Key)); v != "" {
			settings[fl.Key] = v
			values["set."+fl.Key] = v
		}
	}
	body["credentials"], body["settings"] = creds, settings
	var out struct {
		Connection connection        `json:"connection"`
		Generated  map[string]string `json:"generated_credentials"`
	}
	err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/connections"), body, &out)
	var ae *apiError
	if errors.As(err, &ae) {
		c.renderConnectionsError(w, r, s, ae, vendor, connectionsData{Values: values, Fields: ae.Fields})
		return
	}
	if err != nil {
		c.renderConnectionsError(w, r, s, &apiError{Status: http.StatusInternalServerError, Message: err.Error()}, vendor, connectionsData{Values: values})
		return
	}
	c.renderConnections(w, r, s, http.StatusOK, "", connectionsData{Generated: out.Generated}, "Connection "+out.Connection.Name+" created.")
}

// renderConnectionsError shows the form again with the API's refusal beside the fields it names.
func (c *Console) renderConnectionsError(w http.ResponseWriter, r *http.Request, s session, ae *apiError, vendor string, d connectionsData) {
	code := http.StatusUnprocessableEntity
	if ae.Status == http.StatusForbidden || ae.Status == http.StatusConflict {
		code = ae.Status
	}
	v := c.baseView(r, s, "Connections", "connections")
	v.Error = "The hub refused the connection: " + ae.Message
	conns, _ := c.listConnections(r, s)
	d.Connections, d.Vendors = conns, vendorForms
	if f, ok := formOf(vendor); ok && s.who.CanWrite() {
		d.Form = &f
	}
	v.Data = d
	c.render(w, r, code, "connections", v)
}
