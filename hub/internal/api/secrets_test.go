package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// TestCredentialsAreWriteOnly: no response, log line or database column ever holds a credential value.
func TestCredentialsAreWriteOnly(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	var bodies [][]byte
	collect := func(r hubtest.Response) hubtest.Response { bodies = append(bodies, r.Body); return r }

	got := collect(h.Do(t, f.adminKey, "GET", base+"/connections/"+f.connectionID, nil)).JSON(t)["connection"].(map[string]any)
	if got["credentials_set"] != true || len(got["credentials"].(map[string]any)) != 0 {
		t.Fatalf("connection should report credentials set without values: %v", got)
	}
	if k := got["credential_keys"].([]any); len(k) != 3 || k[0] != "api_id" || k[1] != "api_token" || k[2] != "webhook_token" {
		t.Fatalf("credential_keys = %v", k)
	}
	if got["credentials_update_time"] == nil {
		t.Fatalf("credentials_update_time missing: %v", got)
	}
	collect(h.Do(t, f.adminKey, "GET", base+"/connections", nil))
	collect(h.Do(t, f.viewerKey, "GET", base+"/connections", nil))
	// Updating other fields keeps the secret; a bad update echoes nothing of it either.
	collect(h.Do(t, f.adminKey, "PATCH", base+"/connections/"+f.connectionID, `{"name":"aircall-eu"}`))
	collect(h.Do(t, f.adminKey, "PATCH", base+"/connections/"+f.connectionID, `{"vendor":"nope","credentials":{"api_token":"`+f.secretValue+`-2"}}`))
	kept := collect(h.Do(t, f.adminKey, "GET", base+"/connections/"+f.connectionID, nil)).JSON(t)["connection"].(map[string]any)
	if kept["credentials_set"] != true {
		t.Fatalf("updating the name dropped the credentials: %v", kept)
	}
	sealed, err := h.App.Store.ConnectionSecret(t.Context(), f.tenantID, f.connectionID)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := h.App.Sealer.Open(sealed.KeyID, sealed.Sealed, f.tenantID+"/"+f.connectionID)
	if err != nil || !strings.Contains(string(plain), f.secretValue) {
		t.Fatalf("stored secret does not open to the credentials: %v", err)
	}
	if _, err := h.App.Sealer.Open(sealed.KeyID, sealed.Sealed, "other-tenant/"+f.connectionID); err == nil {
		t.Fatal("a sealed secret opened for another owner")
	}

	for _, b := range bodies {
		if bytes.Contains(b, []byte(f.secretValue)) {
			t.Fatalf("response contains the secret: %s", b)
		}
	}
	if strings.Contains(h.Logs.String(), f.secretValue) {
		t.Fatal("logs contain the secret")
	}
	var raw []byte
	if err := h.App.Store.SQL().QueryRow(h.App.Store.Rebind("SELECT secret FROM connections WHERE id = ?"), f.connectionID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(f.secretValue)) || bytes.Contains(raw, []byte("api_token")) {
		t.Fatal("database holds the secret in clear")
	}

	// Replacing credentials with an empty set clears them.
	cleared := h.Must(t, http.StatusOK, f.adminKey, "PATCH", base+"/connections/"+f.connectionID, `{"credentials":{}}`)["connection"].(map[string]any)
	if cleared["credentials_set"] != false {
		t.Fatalf("credentials not cleared: %v", cleared)
	}
}
