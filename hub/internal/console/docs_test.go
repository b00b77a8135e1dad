package console_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

func TestDocsAndConsoleLoadNothingFromOtherSites(t *testing.T) {
	h := hubtest.Start(t)
	for _, path := range []string{"/docs", "/console/sign-in"} {
		body := fetch(t, h.URL+path, http.StatusOK)
		for _, src := range []string{`src="http`, `href="http`, "cdn."} {
			if strings.Contains(body, src) {
				t.Errorf("%s loads from another site (%s):\n%s", path, src, body)
			}
		}
	}
	if js := fetch(t, h.URL+"/docs/redoc.standalone.js", http.StatusOK); !strings.Contains(js, "Redoc") {
		t.Error("/docs/redoc.standalone.js is not Redoc")
	}
	if js := fetch(t, h.URL+"/console/static/htmx.min.js", http.StatusOK); !strings.Contains(js, "htmx") {
		t.Error("htmx.min.js is not htmx")
	}
	fetch(t, h.URL+"/console/static/README.md", http.StatusNotFound)
}

func fetch(t *testing.T, u string, want int) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d", u, resp.StatusCode, want)
	}
	return string(b)
}
