// Package httpconn is the generic HTTP connector (vendor "http"): for systems without a built-in
// adapter, an admin describes the API as request templates and JSON-path mappings (the Connections
// pattern of seed 001). The user list feeds agent sync — one page per call, by page number until the
// users processed reach the total, or by next link — and actions bound to presence events run when the
// hub writes a status to the connection ("on status change, call punch-clock with the agent's external
// id"). Credentials come from the connection's sealed secrets into {{credentials.NAME}}; every answer,
// error and dry-run result has their values replaced by "[redacted]".
package httpconn

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"presencehub.dev/hub/internal/outbound"
	"presencehub.dev/hub/internal/vendorapi"
)

// Adapter is one connection's HTTP connector.
type Adapter struct {
	spec   *Spec
	base   *url.URL
	hc     *http.Client
	vars   variables // credentials.* and settings.*
	redact *strings.Replacer
	onRate func(vendorapi.RateLimit)
}

var (
	_ vendorapi.Adapter      = (*Adapter)(nil)
	_ vendorapi.ActionRunner = (*Adapter)(nil)
)

// New builds the connector of a connection from its spec, base URL, credentials and settings.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	spec, err := Parse(cfg.Spec)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("http connector: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = outbound.Strict()
	}
	v := variables{}
	for k, val := range cfg.Credentials {
		v[credPrefix+k] = val
	}
	for k, val := range cfg.Settings {
		v[settingPrefix+k] = val
	}
	return &Adapter{spec: spec, base: base, hc: hc, vars: v, redact: redactor(cfg.Credentials), onRate: cfg.OnRateLimit}, nil
}

// with returns the connection's variables plus extra.
func (a *Adapter) with(extra variables) variables {
	v := make(variables, len(a.vars)+len(extra))
	for k, val := range a.vars {
		v[k] = val
	}
	for k, val := range extra {
		v[k] = val
	}
	return v
}
