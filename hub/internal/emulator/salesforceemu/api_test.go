package salesforceemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/salesforceemu"
)

// org serves an emulated org and signs in with the client-credentials flow.
func org(t *testing.T) (*salesforceemu.Emulator, *httptest.Server, string) {
	t.Helper()
	em := salesforceemu.New(salesforceemu.Options{})
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	status, body := form(t, srv, url.Values{"grant_type": {"client_credentials"}, "client_id": {salesforceemu.DefaultClientID},
		"client_secret": {salesforceemu.DefaultClientSecret}})
	if status != 200 || body["instance_url"] != srv.URL || body["token_type"] != "Bearer" {
		t.Fatalf("token: %d %v", status, body)
	}
	return em, srv, body["access_token"].(string)
}

func form(t *testing.T, srv *httptest.Server, v url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.URL+"/services/oauth2/token", v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// call sends an authenticated request and decodes the JSON answer (an object or an error array).
func call(t *testing.T, srv *httptest.Server, token, method, path, body string, header ...string) (int, any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, raw)
	}
	return resp.StatusCode, out, resp.Header
}

// errorCode is the errorCode of a REST error array.
func errorCode(v any) string {
	list, _ := v.([]any)
	if len(list) == 0 {
		return ""
	}
	code, _ := list[0].(map[string]any)["errorCode"].(string)
	return code
}

func q(soql string) string { return "/services/data/v60.0/query?q=" + url.QueryEscape(soql) }

func TestTokenErrors(t *testing.T) {
	_, srv, _ := org(t)
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {"nope"}, "client_secret": {"x"}}, "invalid_client_id"},
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {salesforceemu.DefaultClientID}, "client_secret": {"x"}}, "invalid_client"},
		{url.Values{"grant_type": {"password"}, "client_id": {salesforceemu.DefaultClientID}, "client_secret": {salesforceemu.DefaultClientSecret},
			"username": {"a"}, "password": {"b"}}, "invalid_grant"},
		{url.Values{"grant_type": {"implicit"}}, "unsupported_grant_type"},
	} {
		if status, body := form(t, srv, c.form); status != 400 || body["error"] != c.want {
			t.Errorf("%v: %d %v; want 400 %s", c.form, status, body, c.want)
		}
	}
}

func TestSessionRequired(t *testing.T) {
	em, srv, tok := org(t)
	for _, token := range []string{"", "00Dbogus"} {
		if status, body, _ := call(t, srv, token, "GET", q("SELECT Id FROM User"), ""); status != 401 || errorCode(body) != "INVALID_SESSION_ID" {
			t.Errorf("token %q: %d %v; want 401 INVALID_SESSION_ID", token, status, body)
		}
	}
	em.ExpireSessions()
	if status, body, _ := call(t, srv, tok, "GET", q("SELECT Id FROM User"), ""); status != 401 || errorCode(body) != "INVALID_SESSION_ID" {
		t.Errorf("expired session: %d %v", status, body)
	}
}

func TestQueryPagingAndErrors(t *testing.T) {
	em, srv, tok := org(t)
	for range 450 {
		em.AddUser("a@example.com", "A")
	}
	status, body, _ := call(t, srv, tok, "GET", q("SELECT Id, Email FROM User WHERE IsActive = true AND Email = 'a@example.com'"), "", "Sforce-Query-Options", "batchSize=200")
	page := body.(map[string]any)
	seen := len(page["records"].([]any))
	if status != 200 || page["totalSize"] != 450.0 || page["done"] != false || seen != 200 {
		t.Fatalf("first batch: %d totalSize=%v done=%v records=%d", status, page["totalSize"], page["done"], seen)
	}
	for page["done"] == false {
		_, next, _ := call(t, srv, tok, "GET", page["nextRecordsUrl"].(string), "")
		page = next.(map[string]any)
		seen += len(page["records"].([]any))
	}
	if seen != 450 {
		t.Errorf("read %d records through nextRecordsUrl; want 450", seen)
	}
	for soql, want := range map[string]string{
		"SELECT Nope FROM User":                        "INVALID_FIELD",
		"SELECT Id FROM Account":                       "INVALID_TYPE",
		"SELECT Id User":                               "MALFORMED_QUERY",
		"SELECT Id FROM User WHERE Id = '999999999'":   "INVALID_QUERY_FILTER_OPERATOR",
		"SELECT Id FROM User WHERE Name = 'unclosed":   "MALFORMED_QUERY",
		"SELECT Id FROM UserServicePresence LIMIT two": "MALFORMED_QUERY",
	} {
		if status, body, _ := call(t, srv, tok, "GET", q(soql), ""); status != 400 || errorCode(body) != want {
			t.Errorf("%s: %d %v; want 400 %s", soql, status, body, want)
		}
	}
}

func TestPresenceRowsAreHistory(t *testing.T) {
	em, srv, tok := org(t)
	id := em.AddUser("ana@example.com", "Ana")
	if err := em.Change(id, "Available_for_Chats"); err != nil {
		t.Fatal(err)
	}
	_, body, _ := call(t, srv, tok, "GET", q("SELECT Id, IsCurrentState, StatusEndDate, ServicePresenceStatus.DeveloperName FROM UserServicePresence WHERE UserId = '"+id+"' ORDER BY StatusStartDate"), "")
	recs := body.(map[string]any)["records"].([]any)
	if len(recs) != 2 {
		t.Fatalf("%d rows; want the ended Busy row and the current one", len(recs))
	}
	old, cur := recs[0].(map[string]any), recs[1].(map[string]any)
	if old["IsCurrentState"] != false || old["StatusEndDate"] == nil || cur["IsCurrentState"] != true || cur["StatusEndDate"] != nil ||
		cur["ServicePresenceStatus"].(map[string]any)["DeveloperName"] != "Available_for_Chats" {
		t.Errorf("rows %v", recs)
	}
}

func TestRequestLimitExceeded(t *testing.T) {
	em, srv, tok := org(t)
	em.SetRateLimit(2)
	var status int
	var body any
	var h http.Header
	for range 3 {
		status, body, h = call(t, srv, tok, "GET", q("SELECT Id FROM User"), "")
	}
	if status != 403 || errorCode(body) != "REQUEST_LIMIT_EXCEEDED" || h.Get("Sforce-Limit-Info") != "api-usage=2/2" {
		t.Errorf("third request over an allocation of 2: %d %v %q", status, body, h.Get("Sforce-Limit-Info"))
	}
}

func TestPublishValidatesEvent(t *testing.T) {
	em, srv, tok := org(t)
	id := em.AddUser("ana@example.com", "Ana")
	path := "/services/data/v60.0/sobjects/" + salesforceemu.EventObject
	for body, want := range map[string]string{
		`{"UserId__c":"` + id + `","Colour__c":"red"}`: "INVALID_FIELD",
		`{"StatusApiName__c":"Available"}`:             "REQUIRED_FIELD_MISSING",
		`{"UserId__c":`:                                "JSON_PARSER_ERROR",
	} {
		if status, out, _ := call(t, srv, tok, "POST", path, body); status != 400 || errorCode(out) != want {
			t.Errorf("%s: %d %v; want 400 %s", body, status, out, want)
		}
	}
	status, out, _ := call(t, srv, tok, "POST", path, `{"UserId__c":"`+id+`","StatusApiName__c":"Lunch"}`)
	if res, _ := out.(map[string]any); status != 201 || res["success"] != true || !strings.HasPrefix(res["id"].(string), "e00") {
		t.Errorf("publish: %d %v", status, out)
	}
}
