package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"

	"presencehub.dev/shared/logkey"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the parsed templates, one set per page (each with the layout).
type pages struct{ byName map[string]*template.Template }

// pageNames are the templates under templates/ other than the layout.
var pageNames = []string{"signin", "overview", "connections", "connection", "syncrun", "rules", "rule", "agents", "agent", "teams",
	"board", "sheet", "writes", "audit", "keys"}

func parsePages() (*pages, error) {
	funcs := template.FuncMap{"join": strings.Join, "lower": strings.ToLower, "pageLink": pageLink, "dur": humanDuration, "has": slices.Contains[[]string]}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parsing console template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what every page's template gets.
type view struct {
	Title      string
	Nav        string // the current section, for aria-current
	Who        Identity
	Tenant     string
	TenantName string   // a tenant key's tenant, by name
	Tenants    []tenant // for a hub-wide key's switcher
	CSRF       string
	Notice     string // a one-line success message
	Error      string // a page-level error
	Data       any
}

// render writes page name with status code.
func (c *Console) render(w http.ResponseWriter, r *http.Request, code int, name string, v view) {
	var buf bytes.Buffer
	if err := c.pages.byName[name].Execute(&buf, v); err != nil {
		c.opts.Log.Error("rendering console page", slog.String(logkey.Path, r.URL.Path), slog.Any(logkey.Error, err))
		http.Error(w, "could not render this page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// baseView fills the parts every signed-in page shows.
func (c *Console) baseView(r *http.Request, s session, title, nav string) view {
	v := view{Title: title, Nav: nav, Who: s.who, Tenant: s.tenant, CSRF: s.csrf}
	if s.tenant == "" {
		v.Error = "No tenant yet: create one through the API (POST /v1/tenants) and reload."
	}
	if s.who.HubWide() {
		var out struct {
			Tenants []tenant `json:"tenants"`
		}
		if err := c.api.do(r.Context(), s.key, http.MethodGet, "/v1/tenants?page_size=100", nil, &out); err == nil {
			v.Tenants = out.Tenants
		}
	} else {
		var out struct {
			Tenant tenant `json:"tenant"`
		}
		if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, ""), nil, &out); err == nil {
			v.TenantName = out.Tenant.Name
		}
	}
	return v
}

// serveStatic serves the embedded htmx and stylesheet.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil || strings.HasSuffix(name, ".md") || strings.HasSuffix(name, "LICENSE") {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}
