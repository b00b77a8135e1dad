package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

func TestListAgentsSearchesEmailAndNameAcrossPages(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	for i := range 5 {
		h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/agents", map[string]any{"email": fmt.Sprintf("desk%d@acme.test", i), "display_name": fmt.Sprintf("Desk Person %d", i)})
	}
	h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/agents", map[string]any{"email": "zoe@acme.test", "display_name": "Zoë 100%_Sure"})
	search := func(q string) []string {
		var emails []string
		token := ""
		for {
			resp := h.Must(t, http.StatusOK, f.adminKey, "GET", base+"/agents?page_size=2&query="+url.QueryEscape(q)+"&page_token="+token, nil)
			for _, a := range resp["agents"].([]any) {
				emails = append(emails, a.(map[string]any)["email"].(string))
			}
			if token = resp["next_page_token"].(string); token == "" {
				return emails
			}
		}
	}
	if got := search("DESK"); len(got) != 5 {
		t.Errorf("query DESK (case-insensitive, over pages of 2): %v", got)
	}
	if got := search("person 3"); len(got) != 1 || got[0] != "desk3@acme.test" {
		t.Errorf("query by display name: %v", got)
	}
	if got := search("%_"); len(got) != 1 || got[0] != "zoe@acme.test" {
		t.Errorf("%%_ must match itself, not everything: %v", got)
	}
	if got := search(""); len(got) < 6 {
		t.Errorf("no query: %d agents", len(got))
	}
	resp := h.Do(t, f.adminKey, "GET", base+"/agents?query="+strings.Repeat("x", 201), nil)
	if resp.Status != http.StatusBadRequest || !strings.Contains(string(resp.Body), `"query"`) {
		t.Fatalf("201-character query: %d %s", resp.Status, resp.Body)
	}
}
