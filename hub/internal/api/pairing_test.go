package api_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// pairFrom posts a pairing attempt from a given loopback source address.
func pairFrom(t *testing.T, h *hubtest.Hub, src, code string) *http.Response {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}).DialContext}}
	resp, err := client.Post(h.URL+"/v1/pair", "application/json", bytes.NewBufferString(fmt.Sprintf(`{"code":%q}`, code)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestPairingBruteForceIsThrottled(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	newCode := func() string {
		return h.Must(t, http.StatusOK, f.adminKey, "POST", "/v1/tenants/"+f.tenantID+"/agents/"+f.agentID+"/pairing-codes", map[string]any{})["pairing_code"].(map[string]any)["code"].(string)
	}

	// Per address: ten wrong guesses, then 429 with Retry-After, even for a valid code.
	for i := 0; i < 10; i++ {
		if r := pairFrom(t, h, "127.0.0.2", fmt.Sprintf("WRONG-%04d", i)); r.StatusCode != http.StatusNotFound {
			t.Fatalf("guess %d: %d, want 404", i, r.StatusCode)
		}
	}
	valid := newCode()
	r := pairFrom(t, h, "127.0.0.2", valid)
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 10 failures: %d, want 429", r.StatusCode)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	// Another address is not affected, and the valid code still works (it was never tried).
	if r := pairFrom(t, h, "127.0.0.3", valid); r.StatusCode != http.StatusOK {
		t.Fatalf("valid code from another address: %d", r.StatusCode)
	}

	// Per code: the same wrong code from many addresses is throttled after five tries.
	for i := 0; i < 5; i++ {
		if r := pairFrom(t, h, fmt.Sprintf("127.0.1.%d", i+1), "SAME-GUES"); r.StatusCode != http.StatusNotFound {
			t.Fatalf("try %d: %d", i, r.StatusCode)
		}
	}
	if r := pairFrom(t, h, "127.0.1.9", "SAME-GUES"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("sixth try of one code: %d, want 429", r.StatusCode)
	}

	// Bad input is a 400, never a 5xx; an expired code is refused.
	for _, body := range []string{`{}`, `{"code":""}`, `{"code":123}`, `not json`} {
		if r := h.Do(t, "", "POST", "/v1/pair", body); r.Status != http.StatusBadRequest {
			t.Fatalf("pair %s: %d", body, r.Status)
		}
	}
	short := h.Must(t, http.StatusOK, f.adminKey, "POST", "/v1/tenants/"+f.tenantID+"/agents/"+f.agentID+"/pairing-codes", map[string]any{"ttl_seconds": 1})
	if _, err := h.App.Store.SQL().Exec("UPDATE pairing_codes SET expire_time = 1"); err != nil {
		t.Fatal(err)
	}
	code := short["pairing_code"].(map[string]any)["code"].(string)
	if r := pairFrom(t, h, "127.0.0.4", code); r.StatusCode != http.StatusNotFound {
		t.Fatalf("expired code: %d, want 404", r.StatusCode)
	}
	var stored int
	if err := h.App.Store.SQL().QueryRow(h.App.Store.Rebind("SELECT COUNT(*) FROM pairing_codes WHERE hash = ?"), code).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("codes stored in clear: %d %v", stored, err)
	}
	h.Must(t, http.StatusBadRequest, f.adminKey, "POST", "/v1/tenants/"+f.tenantID+"/agents/"+f.agentID+"/pairing-codes", map[string]any{"ttl_seconds": 999999})
}
