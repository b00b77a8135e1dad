// Package vendors lists the vendors this hub build ships, one descriptor each (vendorapi.Vendor), by
// the vendor name connections use.
package vendors

import (
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/aircall"
	"presencehub.dev/hub/internal/vendorapi/cxone"
	"presencehub.dev/hub/internal/vendorapi/genesys"
	"presencehub.dev/hub/internal/vendorapi/httpconn"
	"presencehub.dev/hub/internal/vendorapi/salesforce"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
	"presencehub.dev/hub/internal/vendorapi/talkdesk"
	"presencehub.dev/hub/internal/vendorapi/teams"
	"presencehub.dev/hub/internal/vendorapi/zendesk"
)

// shipped are the vendors, in the order they are listed to admins. Default paces stay below each
// vendor's documented account-wide limit, which other integrations share: Salesforce has a rolling daily
// allocation (a write costs a few requests: read, publish, read back); CXone documents none, nor does a
// system behind the generic HTTP connector; Genesys allows 300 a minute per OAuth client.
var shipped = []vendorapi.Vendor{
	{Name: "zendesk", New: zendesk.New, RatePerMinute: 400},
	{Name: "aircall", New: aircall.New, RatePerMinute: 60},
	{Name: "talkdesk", New: talkdesk.New, RatePerMinute: 120},
	// ServiceNow: the hub makes the inbound_secret its business rule signs with.
	{Name: "servicenow", New: servicenow.New, RatePerMinute: 120,
		Generate: map[string]func() (string, error){servicenow.CredInboundSecret: servicenow.GenerateInboundSecret}},
	{Name: "salesforce", New: salesforce.New, RatePerMinute: 60},
	{Name: "cxone", New: cxone.New, RatePerMinute: 60},
	// Genesys: 300 requests a minute per OAuth client by default; pushed changes cost none.
	{Name: "genesys", New: genesys.New, RatePerMinute: 120},
	{Name: "http", New: httpconn.New, RatePerMinute: 60},
	// Microsoft Teams (Graph presence: 10,000 requests per 30 s per app and tenant): the hub makes the
	// client_state its change notifications must carry.
	{Name: "teams", New: teams.New, RatePerMinute: 600,
		Generate: map[string]func() (string, error){teams.CredClientState: teams.GenerateClientState}},
}

// All returns a fresh map of every shipped vendor, by name.
func All() map[string]vendorapi.Vendor {
	out := make(map[string]vendorapi.Vendor, len(shipped))
	for _, v := range shipped {
		out[v.Name] = v
	}
	return out
}

// Names lists the shipped vendors' names, in the order they are listed to admins.
func Names() []string {
	out := make([]string, len(shipped))
	for i, v := range shipped {
		out[i] = v.Name
	}
	return out
}

// GenerateCredentials returns the credentials the hub makes for a new connection of vendor that the
// caller did not supply (ServiceNow: the inbound_secret its business rule signs with).
func GenerateCredentials(vendor string, supplied map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for key, gen := range All()[vendor].Generate {
		if supplied[key] != "" {
			continue
		}
		v, err := gen()
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}
