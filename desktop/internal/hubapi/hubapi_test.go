package hubapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestPair(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.URL.Path != "/prefix/v1/pair" && r.URL.Path != "/v1/pair") || r.Method != http.MethodPost {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &got)
		switch got["code"] {
		case "K7QF-M2XD":
			_, _ = io.WriteString(w, `{"device_token":"phd_x","device":{"id":"dev_1","agent_id":"agt_1","name":"laptop"},"tenant_id":"ten_1","extra":1}`)
		case "RATE":
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"code":8,"message":"too many attempts; retry in 30s"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"code":5,"message":"unknown, used or expired pairing code"}`)
		}
	}))
	defer srv.Close()
	c := Client{}
	p, err := c.Pair(context.Background(), srv.URL+"/prefix/", " K7QF-M2XD ", "laptop")
	if err != nil || p != (Paired{Token: "phd_x", DeviceID: "dev_1", TenantID: "ten_1", AgentID: "agt_1"}) {
		t.Fatalf("Pair = %+v, %v", p, err)
	}
	if got["device_name"] != "laptop" && got["deviceName"] != "laptop" {
		t.Fatalf("request body %v", got)
	}
	if _, err := c.Pair(context.Background(), srv.URL, "NOPE", "x"); !errors.Is(err, ErrBadCode) {
		t.Fatalf("bad code: %v", err)
	}
	_, err = c.Pair(context.Background(), srv.URL, "RATE", "x")
	var he *Error
	if !errors.As(err, &he) || he.Status != 429 || he.Message != "too many attempts; retry in 30s" {
		t.Fatalf("rate limited: %v", err)
	}
	if _, err := c.Pair(context.Background(), "ftp://x", "K", "x"); err == nil {
		t.Fatal("a non-http URL must be refused")
	}
}

func TestSignOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "Bearer good":
			_, _ = io.WriteString(w, `{}`)
		case "Bearer gone":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	c := Client{}
	for token, wantErr := range map[string]bool{"good": false, "gone": false, "boom": true} {
		if err := c.SignOut(context.Background(), srv.URL, token); (err != nil) != wantErr {
			t.Errorf("SignOut(%s) = %v", token, err)
		}
	}
}

func TestTimeline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/prefix/v1/tenants/ten_1/agents/agt_1/timeline" ||
			r.URL.Query().Get("page_size") != "20" || r.Header.Get("Authorization") != "Bearer phd_x" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"code":5,"message":"agent not found"}`)
			return
		}
		_, _ = io.WriteString(w, `{"entries":[{"outcome":"applied","status":"busy","version":"4","source":"admin","create_time":"2026-11-23T11:00:00Z","writes":[{"x":1}]}],"next_page_token":"n"}`)
	}))
	defer srv.Close()
	list, err := Client{}.Timeline(context.Background(), srv.URL+"/prefix", "phd_x", "ten_1", "agt_1", 20)
	if err != nil || len(list) != 1 || list[0].GetStatus() != "busy" || list[0].GetVersion() != 4 || list[0].GetCreateTime().AsTime().Hour() != 11 {
		t.Fatalf("Timeline = %v, %v", list, err)
	}
	_, err = Client{}.Timeline(context.Background(), srv.URL, "phd_x", "ten_1", "agt_2", 20)
	var he *Error
	if !errors.As(err, &he) || he.Status != http.StatusNotFound {
		t.Fatalf("another agent: %v", err)
	}
}
