// Package emulators starts the built-in vendor emulators by vendor name, on real listeners, for the
// demo and for `presence-hub emulate`.
package emulators

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/emulator/cxoneemu"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/emulator/punchclockemu"
	"presencehub.dev/hub/internal/emulator/salesforceemu"
	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/shared/logkey"
)

// Demo credentials: fixed, so a demo restarted on the same data dir keeps working.
const (
	demoZendeskToken   = "zendesk-demo-api-token"
	demoZendeskSecret  = "zendesk-demo-webhook-secret"
	demoZendeskOAuth   = "zendesk-demo-oauth-token"
	demoZendeskAccount = "admin@demo.example"
)

// Vendors lists the vendors that have an emulator.
func Vendors() []string {
	return []string{"aircall", "zendesk", "salesforce", "cxone", "talkdesk", "servicenow", "http", "teams", "genesys"}
}

// New returns an emulator for vendor with fixed demo credentials.
func New(vendor string, log *slog.Logger) (emulator.Emulator, error) {
	switch vendor {
	case "zendesk":
		return zendeskemu.New(zendeskemu.Options{Log: log, Email: demoZendeskAccount, APIToken: demoZendeskToken,
			OAuthToken: demoZendeskOAuth, WebhookSecret: demoZendeskSecret}), nil
	case "aircall":
		return aircallemu.New(aircallemu.Options{Log: log}), nil
	case "salesforce":
		return salesforceemu.New(salesforceemu.Options{Log: log}), nil
	case "cxone":
		return cxoneemu.New(cxoneemu.Options{Log: log}), nil
	case "talkdesk":
		return talkdeskemu.New(talkdeskemu.Options{Log: log}), nil
	case "servicenow": // OAuth (password + refresh grants); the business rule signs with a fixed demo secret
		return servicenowemu.New(servicenowemu.Options{Log: log, OAuth: true}), nil
	case "teams": // Microsoft Graph presence; the demo credentials carry a delegated refresh token for subscriptions
		return teamsemu.New(teamsemu.Options{Log: log}), nil
	case "genesys": // changes pushed over its notification channels' websockets, served on the same listener
		return genesysemu.New(genesysemu.Options{Log: log}), nil
	case "http": // seed 001's punch-clock mock API, reached through the generic HTTP connector
		return punchclockemu.New(punchclockemu.Options{Log: log}), nil
	}
	return nil, fmt.Errorf("no emulator for %q (have %v)", vendor, Vendors())
}

// Running is an emulator serving on a listener.
type Running struct {
	Emulator emulator.Emulator
	URL      string
	srv      *http.Server
}

// Start serves em on addr ("127.0.0.1:0" for any free port).
func Start(em emulator.Emulator, addr string) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening for the %s emulator: %w", em.Vendor(), err)
	}
	r := &Running{Emulator: em, URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Default().Error("emulator stopped", slog.Any(logkey.Error, err))
		}
	}()
	return r, nil
}

// Stop shuts the emulator down.
func (r *Running) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = r.srv.Shutdown(ctx)
	if c, ok := r.Emulator.(interface{ Close() }); ok {
		c.Close()
	}
}

// Known reports whether vendor has an emulator.
func Known(vendor string) bool { return slices.Contains(Vendors(), vendor) }
