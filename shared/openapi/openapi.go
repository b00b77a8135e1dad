// Package openapi embeds the OpenAPI (Swagger 2.0) document generated from proto/ by scripts/gen.
package openapi

import _ "embed"

// JSON is the merged OpenAPI document for the hub's REST API.
//
//go:embed presencehub.swagger.json
var JSON []byte
