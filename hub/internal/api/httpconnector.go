package api

import (
	"encoding/json"
	"maps"
	"slices"

	"google.golang.org/protobuf/encoding/protojson"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/vendorapi/httpconn"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// vendorHTTP is the vendor of the generic HTTP connector.
const vendorHTTP = "http"

var (
	specOut = protojson.MarshalOptions{UseProtoNames: true}
	specIn  = protojson.UnmarshalOptions{DiscardUnknown: true}
)

// connectorSpec turns the API's HttpConnector into the stored spec (JSON with the same field names);
// nil is no spec.
func connectorSpec(in *phv1.HttpConnector) string {
	if in == nil {
		return ""
	}
	b, err := specOut.Marshal(in)
	if err != nil {
		return "" // a proto message always encodes
	}
	return string(b)
}

// connectorProto renders a stored spec ("" as none).
func connectorProto(spec string) *phv1.HttpConnector {
	if spec == "" {
		return nil
	}
	out := &phv1.HttpConnector{}
	if err := specIn.Unmarshal([]byte(spec), out); err != nil {
		return nil
	}
	return out
}

// checkConnector checks a connection's HTTP connector: required for vendor http (with its templates
// naming only the credentials and settings the connection has), absent otherwise.
func checkConnector(fe *fieldErrors, c *model.Connection, credentialKeys []string) {
	if c.Vendor != vendorHTTP {
		if c.Spec != "" {
			fe.add("http_connector", "only connections of vendor %s have one", vendorHTTP)
		}
		return
	}
	if c.Spec == "" {
		fe.add("http_connector", "is required for vendor %s: it says how to read the users and what to call", vendorHTTP)
		return
	}
	var spec httpconn.Spec
	if err := json.Unmarshal([]byte(c.Spec), &spec); err != nil {
		fe.add("http_connector", "cannot be read: %v", err)
		return
	}
	for _, e := range httpconn.Validate(&spec, credentialKeys, slices.Sorted(maps.Keys(c.Settings))) {
		fe.add("http_connector."+e.Field, "%s", e.Message)
	}
}
