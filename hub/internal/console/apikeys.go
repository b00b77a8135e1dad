package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiKey is the part of the API's ApiKey the console shows (never a secret but the one just made).
type apiKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Prefix     string     `json:"prefix"`
	CreateTime *time.Time `json:"create_time"`
	LastUse    *time.Time `json:"last_use_time"`
}

// keysData is the API keys page.
type keysData struct {
	Keys   []apiKey
	Secret string // a key just created, shown this once
	Name   string
	Fields map[string]string
}

// apiKeys lists the tenant's API keys.
func (c *Console) apiKeys(w http.ResponseWriter, r *http.Request, s session) {
	c.renderKeys(w, r, s, http.StatusOK, keysData{}, noticeOf(r), "")
}

func (c *Console) renderKeys(w http.ResponseWriter, r *http.Request, s session, code int, d keysData, notice, problem string) {
	v := c.baseView(r, s, "API keys", "keys")
	v.Notice = notice
	if problem != "" {
		v.Error = problem
	}
	var out struct {
		Keys []apiKey `json:"api_keys"`
	}
	if s.tenant != "" {
		if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/api-keys?page_size=200"), nil, &out); err != nil && v.Error == "" {
			v.Error = "Could not read the API keys: " + err.Error()
		}
	}
	d.Keys = out.Keys
	v.Data = d
	c.render(w, r, code, "keys", v)
}

// createAPIKey creates a tenant key and shows its secret once.
func (c *Console) createAPIKey(w http.ResponseWriter, r *http.Request, s session) {
	body := map[string]string{"name": strings.TrimSpace(r.PostFormValue("name")), "role": r.PostFormValue("role")}
	var out struct {
		Key    apiKey `json:"api_key"`
		Secret string `json:"secret"`
	}
	err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/api-keys"), body, &out)
	var ae *apiError
	if errors.As(err, &ae) {
		code := ae.Status
		if code == http.StatusBadRequest {
			code = http.StatusUnprocessableEntity
		}
		c.renderKeys(w, r, s, code, keysData{Name: body["name"], Fields: ae.Fields}, "", "The hub refused the key: "+ae.Message)
		return
	}
	if err != nil {
		c.renderKeys(w, r, s, http.StatusBadGateway, keysData{}, "", err.Error())
		return
	}
	c.renderKeys(w, r, s, http.StatusOK, keysData{Secret: out.Secret}, "Key "+out.Key.Name+" created: copy it now, it is not shown again.", "")
}

// revokeAPIKey deletes a key.
func (c *Console) revokeAPIKey(w http.ResponseWriter, r *http.Request, s session) {
	if err := c.api.do(r.Context(), s.key, http.MethodDelete, tenantPath(s, "/api-keys/"+url.PathEscape(r.PathValue("id"))), nil, nil); err != nil {
		apiRefusal(w, err, "revoke the key")
		return
	}
	done(w, r, "/console/api-keys", "revoked-key")
}
