package servicenow_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
)

// harness stands in for the ServiceNow server-side APIs the business rule uses, runs it on one
// awa_agent_presence row and prints the request it made.
const harness = `
const crypto = require('crypto');
const fs = require('fs');
const props = {'presencehub.inbound_url': 'https://hub.example/v1/webhooks/cn_1', 'presencehub.inbound_secret': process.env.SECRET};
const row = {sys_id: 'row1', agent: 'agent1', current_presence_state: '41f9b8dfb31313005baa6e5f26a8dcac',
  sys_updated_on: '2024-05-01 10:00:00', sys_updated_by: 'ana', sys_mod_count: '4'};
const gs = {getProperty: (k, d) => props[k] || d, warn: (m) => { throw new Error('warn: ' + m); }};
function GlideDateTime() {} GlideDateTime.prototype.getNumericValue = () => Date.now();
function GlideCertificateEncryption() {}
GlideCertificateEncryption.prototype.generateMac = (key, alg, data) => {
  if (alg !== 'HmacSHA256') throw new Error('algorithm ' + alg);
  return crypto.createHmac('sha256', Buffer.from(key, 'base64')).update(data, 'utf8').digest('base64');
};
const sent = {headers: {}};
const sn_ws = {RESTMessageV2: function () {
  this.setEndpoint = (u) => { sent.url = u; }; this.setHttpMethod = (m) => { sent.method = m; };
  this.setRequestHeader = (k, v) => { sent.headers[k] = v; }; this.setRequestBody = (b) => { sent.body = b; };
  this.setHttpTimeout = () => {};
  this.execute = () => ({getStatusCode: () => 200, getBody: () => '{}'});
}};
const current = {getUniqueValue: () => row.sys_id, getValue: (f) => row[f],
  current_presence_state: {getDisplayValue: () => 'Away'}};
const previous = null;
eval(fs.readFileSync(process.env.SCRIPT, 'utf8'));
console.log(JSON.stringify(sent));
`

func TestInstallerBusinessRuleIsAccepted(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	script, err := filepath.Abs("../../../../installers/servicenow/presence_hub_rule.js")
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := servicenow.GenerateInboundSecret()
	cmd := exec.Command(node, "-e", harness)
	cmd.Env = append(os.Environ(), "SECRET="+secret, "SCRIPT="+script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running the business rule: %v\n%s", err, out)
	}
	var sent struct {
		URL, Method, Body string
		Headers           map[string]string
	}
	if err := json.Unmarshal(out, &sent); err != nil {
		t.Fatalf("harness output %s: %v", out, err)
	}
	if sent.Method != "post" || sent.URL != "https://hub.example/v1/webhooks/cn_1" || sent.Headers["Content-Type"] != "application/json" {
		t.Errorf("request %+v", sent)
	}
	a, err := servicenow.New(vendorapi.Config{BaseURL: "https://x", Credentials: map[string]string{
		"username": servicenowemu.DefaultUsername, "password": "p", "inbound_secret": secret}})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for k, v := range sent.Headers {
		h.Set(k, v)
	}
	changes, err := a.(vendorapi.WebhookReceiver).ParseWebhook(h, []byte(sent.Body))
	if err != nil || len(changes) != 1 {
		t.Fatalf("the adapter refused the business rule's call: %v, %v\n%s", changes, err, sent.Body)
	}
	if c := changes[0]; c.ExternalID != "agent1" || c.State != "away" || c.ViaAPI || c.EventID != "row1@4" {
		t.Errorf("change %+v; want agent1 away, not via the API, event row1@4", c)
	}
	// The emulator's business rule sends the same fields.
	var fromScript map[string]string
	if err := json.Unmarshal([]byte(sent.Body), &fromScript); err != nil {
		t.Fatal(err)
	}
	fromEmulator := emulatorRuleBody(t)
	for k := range fromScript {
		if _, ok := fromEmulator[k]; !ok {
			t.Errorf("the emulator's business rule lacks field %q the script sends", k)
		}
	}
	if len(fromScript) != len(fromEmulator) {
		t.Errorf("script sends %v, emulator %v", fromScript, fromEmulator)
	}
}

// emulatorRuleBody captures one call of the emulator's business rule.
func emulatorRuleBody(t *testing.T) map[string]string {
	t.Helper()
	em := servicenowemu.New(servicenowemu.Options{})
	t.Cleanup(em.Close)
	sink := &calls{}
	srv := httptest.NewServer(sink)
	t.Cleanup(srv.Close)
	em.AddWebhook(srv.URL)
	if err := em.Change(em.AddUser("ana@example.com", "Ana"), "available"); err != nil {
		t.Fatal(err)
	}
	_, body := sink.wait(t, 0)
	var out map[string]string
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
