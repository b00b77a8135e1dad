package console

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"presencehub.dev/shared/logkey"
)

// tenant is the part of the API's Tenant the console shows.
type tenant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// signInPage shows the key form with a fresh token in a short-lived cookie (CSRF before a session).
func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	tok := randomToken()
	c.setCookie(w, signInCookie, tok, 600)
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, http.StatusOK, "signin", view{Title: "Sign in", CSRF: tok})
}

// signIn exchanges an API key for a session.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(signInCookie)
	if err != nil || !sameOrigin(r) || !sameToken(r.PostFormValue(csrfField), ck.Value) {
		http.Error(w, "refused: this form is stale or came from another site (CSRF check); reload the page", http.StatusForbidden)
		return
	}
	key := strings.TrimSpace(r.PostFormValue("key"))
	fail := func(code int, msg string) {
		tok := randomToken()
		c.setCookie(w, signInCookie, tok, 600)
		c.render(w, r, code, "signin", view{Title: "Sign in", CSRF: tok, Error: msg})
	}
	if key == "" {
		fail(http.StatusBadRequest, "Enter an API key.")
		return
	}
	who, err := c.opts.Identify(r.Context(), key)
	if errors.Is(err, ErrUnknownKey) {
		fail(http.StatusUnauthorized, "The hub does not know this API key.")
		return
	}
	if err != nil {
		c.opts.Log.Error("console sign-in", slog.Any(logkey.Error, err))
		fail(http.StatusServiceUnavailable, "The hub could not check the key; try again.")
		return
	}
	s := c.sessions.create(key, who)
	if who.HubWide() { // start on the first tenant, if any
		var out struct {
			Tenants []tenant `json:"tenants"`
		}
		if err := c.api.do(r.Context(), key, http.MethodGet, "/v1/tenants?page_size=1", nil, &out); err == nil && len(out.Tenants) > 0 {
			c.sessions.setTenant(s.id, out.Tenants[0].ID)
		}
	}
	c.setCookie(w, signInCookie, "", -1)
	c.setCookie(w, sessionCookie, s.id, 0)
	http.Redirect(w, r, "/console/overview", http.StatusSeeOther)
}

// signOut ends the session.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s session) {
	c.sessions.end(s.id)
	c.setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/console/sign-in", http.StatusSeeOther)
}

// switchTenant changes the tenant a hub-wide key looks at (a tenant key has only its own).
func (c *Console) switchTenant(w http.ResponseWriter, r *http.Request, s session) {
	t := r.PostFormValue("tenant")
	if !s.who.HubWide() {
		http.Error(w, "this API key is limited to its own tenant", http.StatusForbidden)
		return
	}
	if err := c.api.do(r.Context(), s.key, http.MethodGet, "/v1/tenants/"+url.PathEscape(t), nil, nil); err != nil {
		http.Error(w, "no such tenant", http.StatusBadRequest)
		return
	}
	c.sessions.setTenant(s.id, t)
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/console/") || strings.HasPrefix(back, "//") || strings.Contains(back, "/rules/") {
		back = "/console/overview"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// tenantPath is /v1/tenants/{tenant} of the session's tenant, followed by rest.
func tenantPath(s session, rest string) string {
	return "/v1/tenants/" + url.PathEscape(s.tenant) + rest
}
