package zendeskemu_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
)

// account is an emulator served over HTTP.
type account struct {
	em  *zendeskemu.Emulator
	srv *httptest.Server
}

func serve(t *testing.T, opts zendeskemu.Options) *account {
	t.Helper()
	em := zendeskemu.New(opts)
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	return &account{em: em, srv: srv}
}

// basic is the API-token Authorization header.
func (a *account) basic() string {
	c := a.em.Credentials()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(c["email"]+"/token:"+c["api_token"]))
}

// reply is an answer: status, headers and the decoded JSON body.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends a request with the API-token credentials unless auth is given ("-" for none).
func (a *account) do(t *testing.T, method, path, body, auth string) reply {
	t.Helper()
	url := path
	if !strings.HasPrefix(path, "http") {
		url = a.srv.URL + path
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	switch auth {
	case "":
		req.Header.Set("Authorization", a.basic())
	case "-":
	default:
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// path digs into decoded JSON: keys for objects, ints for arrays.
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
