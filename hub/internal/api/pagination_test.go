package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

func TestPaginationWalksEveryItemOnce(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	for i := 0; i < 7; i++ {
		h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/teams", map[string]any{"name": fmt.Sprintf("team-%d", i)})
	}
	seen := map[string]bool{}
	token, pages := "", 0
	for {
		resp := h.Must(t, http.StatusOK, f.adminKey, "GET", base+"/teams?page_size=3&page_token="+token, nil)
		pages++
		items := resp["teams"].([]any)
		if len(items) > 3 {
			t.Fatalf("page of %d items", len(items))
		}
		for _, it := range items {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("%s returned twice", id)
			}
			seen[id] = true
		}
		token = resp["next_page_token"].(string)
		if token == "" {
			break
		}
	}
	if len(seen) != 8 || pages != 3 {
		t.Fatalf("saw %d teams over %d pages, want 8 over 3", len(seen), pages)
	}
}
