package console

import (
	"net/http"
	"net/url"
)

const (
	sessionCookie = "ph_console"        // the session id
	signInCookie  = "ph_console_signin" // the sign-in form's CSRF token, before there is a session
	csrfField     = "csrf"              // the hidden form field carrying the token
	csrfHeader    = "X-CSRF-Token"      // or this header (htmx requests)
)

// page is a handler of a signed-in request.
type page func(w http.ResponseWriter, r *http.Request, s session)

// guard admits requests of a live session; a state-changing one must also carry the session's CSRF
// token and come from this origin. Others go to sign-in (pages) or get 401/403.
func (c *Console) guard(next page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.sessionOf(r)
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/console/sign-in", http.StatusSeeOther)
				return
			}
			http.Error(w, "signed out: sign in again", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !c.csrfOK(r, s.csrf) {
			http.Error(w, "refused: this form is stale or came from another site (CSRF check); reload the page", http.StatusForbidden)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next(w, r, s)
	})
}

// sessionOf returns the request's live session.
func (c *Console) sessionOf(r *http.Request) (session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	return c.sessions.get(ck.Value)
}

// csrfOK checks the token (form field or header) and that the browser says the request is not
// cross-site.
func (c *Console) csrfOK(r *http.Request, want string) bool {
	if !sameOrigin(r) {
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return sameToken(got, want)
}

// sameOrigin refuses requests a browser marks as coming from another site.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

// setCookie sets an HttpOnly, SameSite=Strict cookie on /console (Secure over TLS); maxAge < 0
// deletes it.
func (c *Console) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/console", MaxAge: maxAge,
		HttpOnly: true, Secure: c.opts.Secure, SameSite: http.SameSiteStrictMode})
}
