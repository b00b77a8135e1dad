package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
)

func TestApplyTemplateShowsFieldErrorsInlineThenCreatesTheRules(t *testing.T) {
	f := newFixture(t)
	aircall := aircallConnection(t, f)
	base := "/v1/tenants/" + f.tenant
	f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/statuses", map[string]any{"name": "t-off", "display_name": "Off", "kind": "offline"})
	em := zendeskemu.New(zendeskemu.Options{})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	zd := f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/connections", map[string]any{
		"name": "desk", "vendor": "zendesk", "base_url": srv.URL, "credentials": em.Credentials()})["connection"].(map[string]any)["id"].(string)
	team := f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/teams", map[string]any{"name": "Support"})["team"].(map[string]any)["id"].(string)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	page := b.get("/console/rules?template=aircall-zendesk")
	if page.status != http.StatusOK || !strings.Contains(page.body, `id="apply-template"`) || !strings.Contains(page.body, `<option value="`+zd+`"`) {
		t.Fatalf("template form: %d\n%s", page.status, page.body)
	}
	form := url.Values{"csrf": {b.csrf}, "template": {"aircall-zendesk"}, "conn.aircall": {aircall}, "conn.zendesk": {""}, "direction": {"both"}, "team": {team}}
	bad := b.post("/console/rules/apply-template", form)
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="tpl-conn-zendesk-err"`) || strings.Contains(bad.body, `id="tpl-conn-aircall-err"`) {
		t.Fatalf("missing zendesk connection: %d\n%s", bad.status, bad.body)
	}
	if !strings.Contains(bad.body, `<option value="`+aircall+`" selected>`) || !strings.Contains(bad.body, `value="`+team+`" checked`) {
		t.Fatalf("the aircall pick was not kept after the error:\n%s", bad.body)
	}
	form.Set("conn.zendesk", zd)
	form.Set("direction", "sideways")
	if bad := b.post("/console/rules/apply-template", form); bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="tpl-dir-err"`) {
		t.Fatalf("bad direction: %d\n%s", bad.status, bad.body)
	}
	form.Set("direction", "both")
	ok := b.post("/console/rules/apply-template", form)
	if ok.status != http.StatusOK || !strings.Contains(ok.body, "Template aircall-zendesk applied") {
		t.Fatalf("apply: %d\n%s", ok.status, ok.body)
	}
	rules := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/rules", nil)["rules"].([]any)
	if len(rules) != 2 {
		t.Fatalf("rules after the template: %v", rules)
	}
	for _, r := range rules {
		if ids, _ := r.(map[string]any)["team_ids"].([]any); len(ids) != 1 || ids[0] != team {
			t.Fatalf("a rule the template created is not assigned to the team picked: %v", r)
		}
	}
	v := newBrowser(t, f.hub.URL)
	v.signIn(f.viewer)
	if p := v.get("/console/rules?template=aircall-zendesk"); strings.Contains(p.body, `id="apply-template"`) {
		t.Fatalf("a viewer sees the template form:\n%s", p.body)
	}
}
