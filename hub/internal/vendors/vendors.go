// Package vendors lists the vendor adapters this hub build ships, by the vendor name connections use.
package vendors

import (
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/aircall"
	"presencehub.dev/hub/internal/vendorapi/cxone"
	"presencehub.dev/hub/internal/vendorapi/httpconn"
	"presencehub.dev/hub/internal/vendorapi/salesforce"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
	"presencehub.dev/hub/internal/vendorapi/talkdesk"
	"presencehub.dev/hub/internal/vendorapi/zendesk"
)

// All returns a fresh map of every shipped adapter factory.
func All() map[string]vendorapi.Factory {
	return map[string]vendorapi.Factory{
		"zendesk":    zendesk.New,
		"aircall":    aircall.New,
		"salesforce": salesforce.New,
		"cxone":      cxone.New,
		"talkdesk":   talkdesk.New,
		"servicenow": servicenow.New,
		"http":       httpconn.New,
	}
}

// generators make the credentials the hub creates itself for a new connection, by vendor and key.
var generators = map[string]map[string]func() (string, error){
	"servicenow": {servicenow.CredInboundSecret: servicenow.GenerateInboundSecret},
}

// GenerateCredentials returns the credentials the hub makes for a new connection of vendor that the
// caller did not supply (ServiceNow: the inbound_secret its business rule signs with).
func GenerateCredentials(vendor string, supplied map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for key, gen := range generators[vendor] {
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
