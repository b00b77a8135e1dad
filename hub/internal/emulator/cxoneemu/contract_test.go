package cxoneemu_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	c "presencehub.dev/hub/internal/emulator/contract"
	"presencehub.dev/hub/internal/emulator/cxoneemu"
)

// TestContract sends the requests of the vendor reference's section 6 (NICE CXone) and checks the
// documented answers; paths are case-insensitive, as CXone's are.
func TestContract(t *testing.T) {
	em := cxoneemu.New(cxoneemu.Options{})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	ana := em.AddUser("ana@example.com", "Ana Lima")
	bo := em.AddUser("bo@example.com", "Bo Berg")
	if err := em.Change(bo, cxoneemu.LoggedOut); err != nil {
		t.Fatal(err)
	}
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	app := "basic " + base64.StdEncoding.EncodeToString([]byte("PresenceHub@Acme:4600001"))
	legacyHdr := c.With(c.Auth(app), "Content-Type", "application/json")
	key := c.Auth("Bearer {key}")
	legacy := c.Auth("bearer {legacy}")
	sess := "/inContactAPI/services/v30.0/agent-sessions"
	rows := []c.Row{
		{Name: "§6.1 access-key token", Method: "POST", Path: cxoneemu.TokenPath, Header: jsonCT, Status: 200,
			Body: `{"accessKeyId":"` + cxoneemu.DefaultAccessKeyID + `","accessKeySecret":"` + cxoneemu.DefaultAccessKeySecret + `"}`,
			JSON: map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": c.Present()}, Capture: map[string]string{"key": "access_token"}},
		{Name: "§6.1 wrong access key", Method: "POST", Path: cxoneemu.TokenPath, Header: jsonCT, Status: 401,
			Body: `{"accessKeyId":"x","accessKeySecret":"y"}`, JSON: map[string]any{"error": "invalid_grant"}},
		{Name: "§6.1 legacy password token names the API base", Method: "POST", Path: "/InContactAuthorizationServer/Token", Header: legacyHdr, Status: 200,
			Body: `{"grant_type":"password","username":"ana@example.com","password":"` + cxoneemu.DefaultAgentPassword + `","scope":"RealTimeApi AdminApi AgentApi ReportingApi"}`,
			JSON: map[string]any{"token_type": "bearer", "expires_in": 3600, "refresh_token": c.Present(), "scope": "RealTimeApi AdminApi AgentApi ReportingApi",
				"resource_server_base_uri": "{base}/inContactAPI/", "refresh_token_server_uri": "{base}/InContactAuthorizationServer/Token",
				"agent_id": ana, "team_id": 1001, "bus_no": 4600001},
			Capture: map[string]string{"legacy": "access_token", "refresh": "refresh_token"}},
		{Name: "§6.1 legacy refresh, lower-case path", Method: "POST", Path: "/incontactauthorizationserver/token", Header: legacyHdr, Status: 200,
			Body: `{"grant_type":"refresh_token","refresh_token":"{refresh}"}`, JSON: map[string]any{"agent_id": ana, "access_token": c.Present()}},
		{Name: "§6.1 legacy refresh token used up", Method: "POST", Path: "/InContactAuthorizationServer/Token", Header: legacyHdr, Status: 400,
			Body: `{"grant_type":"refresh_token","refresh_token":"{refresh}"}`, JSON: map[string]any{"error": "invalid_grant"}},
		{Name: "§6.1 legacy application credentials", Method: "POST", Path: "/InContactAuthorizationServer/Token",
			Header: c.With(c.Auth("basic "+base64.StdEncoding.EncodeToString([]byte("PresenceHub:4600001"))), "Content-Type", "application/json"), Status: 401,
			Body: `{"grant_type":"password","username":"ana@example.com","password":"x"}`, JSON: map[string]any{"error": "invalid_client"}},
		{Name: "§6.1 legacy wrong password", Method: "POST", Path: "/InContactAuthorizationServer/Token", Header: legacyHdr, Status: 400,
			Body: `{"grant_type":"password","username":"ana@example.com","password":"wrong"}`, JSON: map[string]any{"error": "invalid_grant"}},
		{Name: "no token", Method: "GET", Path: "/inContactAPI/services/v30.0/agents", Status: 401, JSON: map[string]any{"error": "invalid_token"}},
		{Name: "§6.2 agents, skip/top, mixed-case path", Method: "GET", Path: "/InContactAPI/Services/v30.0/Agents?skip=0&top=1&isActive=true", Header: key, Status: 200,
			JSON: map[string]any{"businessUnitId": 4600001, "totalRecords": 2, "agents.#": 1, "agents.0.agentId": ana, "agents.0.userName": "ana@example.com",
				"agents.0.emailAddress": "ana@example.com", "agents.0.teamId": 1001, "_links.next": c.Present(), "lastPollTime": c.Present()},
			Headers: map[string]any{"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": c.Match(`^\d+$`)}},
		{Name: "§6.2 one agent, lower-case path", Method: "GET", Path: "/incontactapi/services/v30.0/agents/" + bo, Header: legacy, Status: 200,
			JSON: map[string]any{"agents.0.agentId": bo, "agents.0.firstName": "Bo", "agents.0.lastName": "Berg"}},
		{Name: "§6.2 unavailable codes", Method: "GET", Path: "/inContactAPI/services/v30.0/teams/1001/unavailable-codes?activeOnly=true", Header: key, Status: 200,
			JSON: map[string]any{"resultSet.teamId": 1001, "resultSet.unavailableCodes.1.outStateId": 12, "resultSet.unavailableCodes.1.outStateName": "Lunch",
				"resultSet.unavailableCodes.1.isActive": true, "resultSet.unavailableCodes.1.isAcw": false}},
		{Name: "§6.3 agent states", Method: "GET", Path: "/inContactAPI/services/v30.0/agents/states", Header: key, Status: 200,
			JSON: map[string]any{"agentStates.#": 2, "agentStates.0.agentId": ana, "agentStates.0.agentStateName": "Unavailable",
				"agentStates.1.agentStateName": "LoggedOut", "agentStates.0.isAcw": false, "lastPollTime": c.Present()}},
		{Name: "§6.3 bad updatedSince", Method: "GET", Path: "/inContactAPI/services/v30.0/agents/states?updatedSince=yesterday", Header: key, Status: 400,
			JSON: map[string]any{"error_description": c.Match("updatedSince")}},
		{Name: "§6.4 start a session", Method: "POST", Path: sess + "?stationPhoneNumber=5551234&asAgentId=" + bo, Header: legacy, Status: 202,
			JSON: map[string]any{"sessionId": c.Match(`^\d+$`)}, Capture: map[string]string{"sess": "sessionId"}},
		{Name: "§6.4 start a session: already logged in", Method: "POST", Path: sess + "?stationId=1&asAgentId=" + bo, Header: legacy, Status: 409,
			JSON: map[string]any{"error": "AgentAlreadyLoggedIn"}},
		{Name: "§6.4 start a session needs a station", Method: "POST", Path: sess + "?asAgentId=" + bo, Header: legacy, Status: 400,
			JSON: map[string]any{"error_description": c.Match("stationId")}},
		{Name: "§6.4 start a session: the access key's user is no agent", Method: "POST", Path: sess + "?stationId=1", Header: key, Status: 400,
			JSON: map[string]any{"error_description": c.Match("asAgentId")}},
		{Name: "§6.5 the login event", Method: "GET", Path: sess + "/{sess}/get-next-event?timeout=0", Header: legacy, Status: 200,
			JSON: map[string]any{"sessionId": "{sess}", "events.0.Type": "AgentState", "events.0.CurrentState": "Unavailable", "events.0.IsACW": "False"}},
		{Name: "§6.5 no event within the timeout", Method: "GET", Path: sess + "/{sess}/Get-Next-Event?timeout=0", Header: legacy, Status: 304,
			Headers: map[string]any{"Content-Type": c.Null()}},
		{Name: "§6.4 set Unavailable with a reason (JSON body)", Method: "POST", Path: sess + "/{sess}/state", Header: c.With(legacy, "Content-Type", "application/json"),
			Body: `{"state":"Unavailable","reason":"Lunch"}`, Status: 202, Headers: map[string]any{"Content-Type": c.Null()}},
		{Name: "§6.5 the change as an event", Method: "GET", Path: sess + "/{sess}/get-next-event?timeout=1", Header: legacy, Status: 200,
			JSON: map[string]any{"events.#": 1, "events.0.CurrentState": "Unavailable", "events.0.CurrentOutReason": "Lunch"}},
		{Name: "§6.4 ACW code without a contact", Method: "POST", Path: sess + "/{sess}/state?state=Unavailable&reason=ACW", Header: legacy, Status: 409,
			JSON: map[string]any{"error": "AcwCodeRequiresContact"}},
		{Name: "§6.4 only Available or Unavailable", Method: "POST", Path: sess + "/{sess}/state?state=InboundContact", Header: legacy, Status: 400,
			JSON: map[string]any{"error": "InvalidState"}},
		{Name: "§6.4 join an agent's session", Method: "POST", Path: sess + "/join?asAgentId=" + bo, Header: key, Status: 202,
			JSON: map[string]any{"sessionId": "{sess}"}},
		{Name: "§6.5 bad timeout", Method: "GET", Path: sess + "/{sess}/get-next-event?timeout=600", Header: legacy, Status: 400,
			JSON: map[string]any{"error_description": c.Match("timeout")}},
		{Name: "§6.4 end the session", Method: "DELETE", Path: sess + "/{sess}?forceLogoff=true", Header: legacy, Status: 202,
			Headers: map[string]any{"Content-Type": c.Null()}},
		{Name: "§6.5 the session's end as an event", Method: "GET", Path: sess + "/{sess}/get-next-event?timeout=0", Header: legacy, Status: 200,
			JSON: map[string]any{"events.#": 1, "events.0.Type": "SessionEnd"}},
		{Name: "§6.5 an ended session", Method: "GET", Path: sess + "/{sess}/get-next-event?timeout=0", Header: legacy, Status: 404,
			JSON: map[string]any{"error": "InvalidAgentSession"}},
		{Name: "unknown path", Method: "GET", Path: "/inContactAPI/services/v30.0/nothing", Header: key, Status: 404,
			JSON: map[string]any{"error": "NotFound"}},
	}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, rows)
}

// TestContractRateLimit checks the budget's headers, then 429 with Retry-After.
func TestContractRateLimit(t *testing.T) {
	em := cxoneemu.New(cxoneemu.Options{RatePerMinute: 1})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	key := c.Auth("Bearer {key}")
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, []c.Row{
		{Name: "token", Method: "POST", Path: cxoneemu.TokenPath, Header: http.Header{"Content-Type": {"application/json"}}, Status: 200,
			Body: `{"accessKeyId":"` + cxoneemu.DefaultAccessKeyID + `","accessKeySecret":"` + cxoneemu.DefaultAccessKeySecret + `"}`,
			JSON: map[string]any{"token_type": "Bearer"}, Capture: map[string]string{"key": "access_token"}},
		{Name: "within the budget", Method: "GET", Path: "/inContactAPI/services/v30.0/teams", Header: key, Status: 200,
			JSON: map[string]any{"teams.0.teamName": "Support"}, Headers: map[string]any{"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0"}},
		{Name: "over the budget", Method: "GET", Path: "/inContactAPI/services/v30.0/teams", Header: key, Status: 429,
			JSON: map[string]any{"error": "TooManyRequests"}, Headers: map[string]any{"Retry-After": c.Match(`^[1-9]\d*$`)}},
	})
}

// TestGetNextEventWaits: a long poll answers with the first change made while it waits.
func TestGetNextEventWaits(t *testing.T) {
	em, srv, tok := unit(t)
	id := em.AddUser("ana@example.com", "Ana Lima")
	_, joined, _ := call(t, srv, tok, "POST", api+"/agent-sessions/join?asAgentId="+id, "", "")
	path := api + "/agent-sessions/" + joined["sessionId"].(string) + "/get-next-event?timeout=0"
	if status, _, _ := call(t, srv, tok, "GET", path, "", ""); status != 200 {
		t.Fatalf("draining the login event: %d", status)
	}
	type answer struct {
		status int
		body   map[string]any
		err    error
	}
	got := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("GET", srv.URL+api+"/agent-sessions/"+joined["sessionId"].(string)+"/get-next-event?timeout=30", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := srv.Client().Do(req)
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		var body map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		got <- answer{resp.StatusCode, body, err}
	}()
	if err := em.Change(id, "unavailable:Break"); err != nil {
		t.Fatal(err)
	}
	a := <-got
	if a.err != nil {
		t.Fatal(a.err)
	}
	events, _ := a.body["events"].([]any)
	if a.status != 200 || len(events) != 1 || events[0].(map[string]any)["CurrentOutReason"] != "Break" {
		t.Fatalf("long poll: %d %v", a.status, a.body)
	}
}
