// Package vendors lists the vendor adapters this hub build ships, by the vendor name connections use.
package vendors

import (
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/aircall"
	"presencehub.dev/hub/internal/vendorapi/zendesk"
)

// All returns a fresh map of every shipped adapter factory.
func All() map[string]vendorapi.Factory {
	return map[string]vendorapi.Factory{
		"zendesk": zendesk.New,
		"aircall": aircall.New,
	}
}
