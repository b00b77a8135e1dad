// Package vendors lists the vendor adapters this hub build ships, by the vendor name connections use.
package vendors

import (
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/aircall"
	"presencehub.dev/hub/internal/vendorapi/cxone"
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
	}
}
