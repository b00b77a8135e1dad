package servicenowemu_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	c "presencehub.dev/hub/internal/emulator/contract"
	"presencehub.dev/hub/internal/emulator/servicenowemu"
)

// TestContract sends the requests of the vendor reference's section 4 (ServiceNow AWA) to an instance
// behind TLS and checks the documented answers, links included.
func TestContract(t *testing.T) {
	em := servicenowemu.New(servicenowemu.Options{OAuth: true})
	t.Cleanup(em.Close)
	srv := httptest.NewTLSServer(em)
	t.Cleanup(srv.Close)
	ana := em.AddUser("ana@example.com", "Ana Lima")
	bo := em.AddUser("bo@example.com", "Bo Berg")
	em.AddUser("cy@example.com", "Cy Diaz")
	basic := c.Auth("Basic " + base64.StdEncoding.EncodeToString([]byte(servicenowemu.DefaultUsername+":"+servicenowemu.DefaultPassword)))
	jsonBasic := c.With(basic, "Content-Type", "application/json")
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	presence := "/api/now/table/awa_agent_presence?sysparm_query=agent=" + ana
	rows := []c.Row{
		{Name: "§4.1 no credentials", Method: "GET", Path: "/api/now/table/sys_user", Status: 401,
			JSON: map[string]any{"status": "failure", "error.message": "User Not Authenticated"}},
		{Name: "§4.1 OAuth password grant", Method: "POST", Path: "/oauth_token.do", Header: form, Status: 200,
			Body: "grant_type=password&client_id=" + servicenowemu.DefaultClientID + "&client_secret=" + servicenowemu.DefaultClientSecret +
				"&username=" + servicenowemu.DefaultUsername + "&password=" + servicenowemu.DefaultPassword,
			JSON:    map[string]any{"token_type": "Bearer", "expires_in": c.Match(`^1[78]\d\d$`), "access_token": c.Present(), "refresh_token": c.Present(), "scope": c.Present()},
			Capture: map[string]string{"token": "access_token"}},
		{Name: "§4.1 OAuth wants a form", Method: "POST", Path: "/oauth_token.do", Header: http.Header{"Content-Type": {"application/json"}},
			Body: `{"grant_type":"password"}`, Status: 400, JSON: map[string]any{"error": "invalid_request"}},
		{Name: "§4.1 bearer token", Method: "GET", Path: "/api/now/table/sys_user?sysparm_limit=1", Header: c.Auth("Bearer {token}"), Status: 200,
			JSON: map[string]any{"result.#": 1}},
		{Name: "§4.2 users, first page, Link on https", Method: "GET", Path: "/api/now/table/sys_user?sysparm_query=active=true^emailISNOTEMPTY&sysparm_fields=sys_id,user_name,email,name&sysparm_limit=2&sysparm_offset=0",
			Header: basic, Status: 200,
			JSON: map[string]any{"result.#": 2, "result.0.sys_id": ana, "result.0.email": "ana@example.com", "result.0.#": 4},
			Headers: map[string]any{"X-Total-Count": "3",
				"Link": c.Match(`^<{base}/api/now/table/sys_user\?[^>]*sysparm_offset=0[^>]*>;rel="first",<{base}/api/now/table/sys_user\?[^>]*sysparm_offset=2[^>]*>;rel="next",<{base}/api/now/table/sys_user\?[^>]*sysparm_offset=2[^>]*>;rel="last"$`)}},
		{Name: "§4.2 users, last page", Method: "GET", Path: "/api/now/v2/table/sys_user?sysparm_limit=2&sysparm_offset=2&sysparm_no_count=true", Header: basic, Status: 200,
			JSON:    map[string]any{"result.#": 1, "result.0.name": "Cy Diaz"},
			Headers: map[string]any{"X-Total-Count": c.Null(), "Link": c.Match(`rel="prev"`)}},
		{Name: "§4.2 reference fields carry an https link", Method: "GET", Path: presence, Header: basic, Status: 200,
			JSON: map[string]any{"result.0.agent.value": ana, "result.0.agent.link": "{base}/api/now/table/sys_user/" + ana,
				"result.0.current_presence_state.value": servicenowemu.Offline.SysID}},
		{Name: "§4.2 sysparm_display_value=true", Method: "GET", Path: presence + "&sysparm_display_value=true", Header: basic, Status: 200,
			JSON: map[string]any{"result.0.agent.display_value": "Ana Lima", "result.0.agent.link": "{base}/api/now/table/sys_user/" + ana,
				"result.0.agent.value": c.Null(), "result.0.current_presence_state.display_value": "Offline", "result.0.sys_mod_count": c.Match(`^\d+$`)}},
		{Name: "§4.2 sysparm_display_value=all", Method: "GET", Path: presence + "&sysparm_display_value=all", Header: basic, Status: 200,
			JSON: map[string]any{"result.0.agent.display_value": "Ana Lima", "result.0.agent.value": ana,
				"result.0.agent.link": "{base}/api/now/table/sys_user/" + ana, "result.0.sys_mod_count.value": c.Match(`^\d+$`),
				"result.0.sys_mod_count.display_value": c.Match(`^\d+$`)}},
		{Name: "§4.2 display values without reference links", Method: "GET", Path: presence + "&sysparm_display_value=true&sysparm_exclude_reference_link=true", Header: basic, Status: 200,
			JSON: map[string]any{"result.0.agent": "Ana Lima", "result.0.current_presence_state": "Offline"}},
		{Name: "§4.2 values without reference links", Method: "GET", Path: presence + "&sysparm_exclude_reference_link=true", Header: basic, Status: 200,
			JSON: map[string]any{"result.0.agent": ana}},
		{Name: "§4.2 bad sysparm_display_value", Method: "GET", Path: presence + "&sysparm_display_value=maybe", Header: basic, Status: 400,
			JSON: map[string]any{"status": "failure", "error.message": c.Match("sysparm_display_value")}},
		{Name: "§4.3 read presence", Method: "GET", Path: "/api/now/awa/agents/" + ana, Header: basic, Status: 200,
			JSON: map[string]any{"result.sys_id": ana, "result.presence.name": "Offline", "result.presence.sys_id": servicenowemu.Offline.SysID,
				"result.presence.available": false, "result.presence.channels.0.name": "Chat", "result.presence.channels.0.sys_id": "27f675e3739713004a905ee515f6a7c3"}},
		{Name: "§4.3 presence states", Method: "GET", Path: "/api/now/awa/agents/" + ana + "/presence_states", Header: basic, Status: 200,
			JSON: map[string]any{"result.0.name": "Available", "result.0.sys_id": servicenowemu.Available.SysID, "result.0.order": 0,
				"result.0.available": true}},
		{Name: "§4.3 unknown agent", Method: "GET", Path: "/api/now/awa/agents/ffffffffffffffffffffffffffffffff", Header: basic, Status: 404,
			JSON: map[string]any{"status": "failure", "error.message": "Record Not Found"}},
		{Name: "§4.4 set presence", Method: "PUT", Path: "/api/now/awa/agents/" + bo, Header: jsonBasic, Status: 200,
			Body: `{"presence":{"sys_id":"` + servicenowemu.Available.SysID + `","channels":[{"sys_id":"27f675e3739713004a905ee515f6a7c3","available":true}]}}`,
			JSON: map[string]any{"result.sys_id": bo, "result.presence.name": "Available", "result.presence.available": true,
				"result.presence.channels.0.available": true}},
		{Name: "§4.4 unknown presence state", Method: "PUT", Path: "/api/now/awa/agents/" + bo, Header: jsonBasic, Status: 400,
			Body: `{"presence":{"sys_id":"nope"}}`, JSON: map[string]any{"status": "failure", "error.message": c.Present()}},
		{Name: "unknown resource", Method: "GET", Path: "/api/now/nothing", Header: basic, Status: 400,
			JSON: map[string]any{"status": "failure", "error.message": "Requested URI does not represent any resource"}},
	}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, rows)
}

// TestContractForwardedProto checks links behind a TLS-terminating proxy: X-Forwarded-Proto counts
// only when the instance is told to trust it.
func TestContractForwardedProto(t *testing.T) {
	for _, trust := range []bool{true, false} {
		em := servicenowemu.New(servicenowemu.Options{TrustForwardedProto: trust})
		t.Cleanup(em.Close)
		srv := httptest.NewServer(em)
		t.Cleanup(srv.Close)
		ana := em.AddUser("ana@example.com", "Ana Lima")
		host := srv.Listener.Addr().String()
		want := "http://" + host
		if trust {
			want = "https://" + host
		}
		h := c.With(c.Auth("Basic "+base64.StdEncoding.EncodeToString([]byte(servicenowemu.DefaultUsername+":"+servicenowemu.DefaultPassword))),
			"X-Forwarded-Proto", "https")
		c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, []c.Row{
			{Name: "links follow the trusted scheme", Method: "GET", Path: "/api/now/table/awa_agent_presence", Header: h, Status: 200,
				JSON:    map[string]any{"result.0.agent.link": want + "/api/now/table/sys_user/" + ana},
				Headers: map[string]any{"Link": c.Match("^<" + regexp.QuoteMeta(want) + "/api/now/table/awa_agent_presence\\?")}},
		})
	}
}
