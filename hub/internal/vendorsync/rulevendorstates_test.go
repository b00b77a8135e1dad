package vendorsync_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"presencehub.dev/hub/internal/emulator/punchclockemu"
	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Issue 17: a rule's vendor_state must be one the vendor lists, spelled as it spells it (a Talkdesk
// "busy:<id>" only for a custom Busy status the account has), else 400 naming the field, on create,
// update and applyTemplate, over REST and gRPC. Such a rule used to save with 200 and its writes went
// dead.
func TestRuleVendorStatesMustBeTheVendors(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{}))
	for _, bad := range []string{"foo", "Available", "busy:", "busy:does-not-exist"} {
		out := []map[string]string{{"status": "available", "vendor_state": "available"}, {"status": "lunch", "vendor_state": tdLunch}, {"status": "busy", "vendor_state": bad}}
		resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules", map[string]any{"name": "td out", "connection_id": td.conn, "outbound": out})
		wantField(t, "outbound "+bad, resp, http.StatusBadRequest, "outbound[2].vendor_state")
		in := []map[string]string{{"vendor_state": "available", "status": "available"}, {"vendor_state": bad, "status": "busy"}}
		resp = h.Do(t, h.AdminKey, "POST", e.base+"/rules", map[string]any{"name": "td in", "connection_id": td.conn, "inbound": in})
		wantField(t, "inbound "+bad, resp, http.StatusBadRequest, "inbound[1].vendor_state")
	}
	resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules", map[string]any{"name": "td", "connection_id": td.conn,
		"outbound": []map[string]string{{"status": "available", "vendor_state": "Available"}}})
	if !strings.Contains(string(resp.Body), `did you mean \"available\"`) {
		t.Errorf("wrong case: %s; want a suggestion of the vendor's spelling", resp.Body)
	}

	rule := e.ruleFor(t, td, "talkdesk", map[string]string{"available": "available", tdMeeting: "busy"},
		map[string]string{"available": "available", "lunch": tdLunch})
	resp = h.Do(t, h.AdminKey, "PATCH", e.base+"/rules/"+rule+"?update_mask=outbound", map[string]any{
		"outbound": []map[string]string{{"status": "available", "vendor_state": "available"}, {"status": "lunch", "vendor_state": "busy:does-not-exist"}}})
	wantField(t, "PATCH outbound", resp, http.StatusBadRequest, "outbound[1].vendor_state")
	got := e.must(t, "GET", "/rules/"+rule, nil)["rule"].(map[string]any)["outbound"].([]any)
	if len(got) != 2 || got[1].(map[string]any)["vendor_state"] != tdLunch {
		t.Errorf("rule after a refused update: %v; want it unchanged", got)
	}

	// gRPC: the same check, the field named in a BadRequest detail.
	conn, err := grpc.NewClient(strings.TrimPrefix(h.URL, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := phv1.NewPresenceHubServiceClient(conn)
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+h.AdminKey)
	_, err = c.CreateRule(ctx, &phv1.CreateRuleRequest{Tenant: e.tenant, Rule: &phv1.Rule{Name: "grpc", ConnectionId: td.conn,
		Outbound: []*phv1.OutboundMapping{{Status: "lunch", VendorState: "busy:does-not-exist"}}}})
	wantViolation(t, "gRPC CreateRule", err, "outbound[0].vendor_state")
	_, err = c.UpdateRule(ctx, &phv1.UpdateRuleRequest{Tenant: e.tenant, RuleId: rule, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"inbound"}},
		Rule: &phv1.Rule{Inbound: []*phv1.InboundMapping{{VendorState: "foo", Status: "busy"}}}})
	wantViolation(t, "gRPC UpdateRule", err, "inbound[0].vendor_state")
}

// The generic HTTP connector's states list is its whole vocabulary: a rule maps only those, and no
// request is needed to say so.
func TestRuleVendorStatesOfTheHTTPConnector(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	pc := punchclockemu.New(punchclockemu.Options{RatePerMinute: -1})
	va := e.connect(t, "punch-clock", pc)
	pc.SetDown(true) // nothing to ask: the states are the connection's own
	for _, bad := range []string{"IN", "punch", ""} {
		resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules", map[string]any{"name": "punch", "connection_id": va.conn,
			"outbound": []map[string]string{{"status": "available", "vendor_state": "in"}, {"status": "offline", "vendor_state": bad}}})
		wantField(t, "http connector state "+bad, resp, http.StatusBadRequest, "outbound[1].vendor_state")
	}
	e.must(t, "POST", "/rules", map[string]any{"name": "punch", "connection_id": va.conn,
		"outbound": []map[string]string{{"status": "available", "vendor_state": "in"}, {"status": "offline", "vendor_state": "out"}}})
}

// When the vendor cannot be asked, states every account of it has are still checked; a rule mapping
// an account-specific state is refused with 503 and Retry-After (never saved unchecked to go dead
// later), and an update that does not touch the mappings still works.
func TestRuleVendorStatesWhileTheVendorIsDown(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{}))
	sn := e.connect(t, "servicenow", servicenowemu.New(servicenowemu.Options{}))
	rule := e.ruleFor(t, td, "talkdesk", map[string]string{"available": "available"}, map[string]string{"available": "available"})
	td.em.SetDown(true)
	sn.em.SetDown(true)

	resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules", map[string]any{"name": "td", "connection_id": td.conn,
		"outbound": []map[string]string{{"status": "lunch", "vendor_state": tdLunch}, {"status": "busy", "vendor_state": "Available"}}})
	wantField(t, "static state while down", resp, http.StatusBadRequest, "outbound[1].vendor_state")

	status, retryAfter, body := post(t, h, e.base+"/rules", map[string]any{"name": "td", "connection_id": td.conn,
		"outbound": []map[string]string{{"status": "available", "vendor_state": "available"}, {"status": "lunch", "vendor_state": tdLunch}}})
	if status != http.StatusServiceUnavailable || retryAfter == "" || !strings.Contains(body, "outbound[1].vendor_state") || strings.Contains(body, "outbound[0]") {
		t.Errorf("custom status while talkdesk is down: %d Retry-After %q %s; want 503 with Retry-After naming outbound[1].vendor_state", status, retryAfter, body)
	}
	status, retryAfter, body = post(t, h, e.base+"/rules:applyTemplate", map[string]any{"template": "servicenow-talkdesk", "direction": "both",
		"connections": map[string]string{"servicenow": sn.conn, "talkdesk": td.conn}})
	if status != http.StatusServiceUnavailable || retryAfter == "" {
		t.Errorf("template while servicenow is down: %d Retry-After %q %s; want 503 with Retry-After", status, retryAfter, body)
	}
	if rules := e.must(t, "GET", "/rules", nil)["rules"].([]any); len(rules) != 1 {
		t.Errorf("%d rules after refused saves; want only the first", len(rules))
	}
	e.must(t, "PATCH", "/rules/"+rule+"?update_mask=name", map[string]any{"name": "talkdesk renamed"})

	td.em.SetDown(false)
	sn.em.SetDown(false)
	e.must(t, "POST", "/rules", map[string]any{"name": "td lunch", "connection_id": td.conn, "agent_ids": []string{},
		"outbound": []map[string]string{{"status": "lunch", "vendor_state": tdLunch}}})
}

// wantField fails unless resp has the status and names field in a field violation.
func wantField(t *testing.T, what string, resp hubtest.Response, code int, field string) {
	t.Helper()
	if resp.Status != code || !strings.Contains(string(resp.Body), `"field":"`+field+`"`) {
		t.Errorf("%s: %d %s; want %d naming %s", what, resp.Status, resp.Body, code, field)
	}
}

// wantViolation fails unless err is InvalidArgument naming field in a BadRequest detail.
func wantViolation(t *testing.T, what string, err error, field string) {
	t.Helper()
	st := status.Convert(err)
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok && st.Code() == codes.InvalidArgument {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return
				}
			}
		}
	}
	t.Errorf("%s: %v; want InvalidArgument naming %s", what, err, field)
}

// post sends an admin POST and returns the status, the Retry-After header and the body.
func post(t *testing.T, h *hubtest.Hub, path string, body any) (int, string, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.AdminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	if _, err := out.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Retry-After"), out.String()
}
