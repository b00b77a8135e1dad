package zendeskemu_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	c "presencehub.dev/hub/internal/emulator/contract"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
)

// TestContract sends the requests of the vendor reference's section 1 (Zendesk) and checks the
// documented answers.
func TestContract(t *testing.T) {
	a := serve(t, zendeskemu.Options{Email: "admin@example.com"})
	ana := a.em.AddUser("ana@example.com", "Ana Lima")
	bo := a.em.AddUser("bo@example.com", "Bo Berg")
	auth := c.Auth(a.basic())
	json := c.With(auth, "Content-Type", "application/json")
	rows := []c.Row{
		{Name: "§1.1 no credentials", Method: "GET", Path: "/api/v2/users.json", Status: 401,
			JSON: map[string]any{"error": "Couldn't authenticate you"}},
		{Name: "§1.1 bearer token", Method: "GET", Path: "/api/v2/users/me.json", Header: c.Auth("Bearer " + a.em.OAuthToken()), Status: 200,
			JSON: map[string]any{"user.email": "admin@example.com", "user.role": "admin"}},
		{Name: "§1.2 users by role", Method: "GET", Path: "/api/v2/users.json?role=agent", Header: auth, Status: 200,
			JSON:    map[string]any{"users.#": 2, "users.0.id": ana, "users.0.role": "agent", "users.0.active": true, "users.0.updated_at": c.Present()},
			Headers: map[string]any{"X-Rate-Limit": "700", "X-Rate-Limit-Remaining": c.Match(`^\d+$`)}},
		{Name: "§1.2 users without .json", Method: "GET", Path: "/api/v2/users?role[]=agent&role[]=admin", Header: auth, Status: 200,
			JSON: map[string]any{"users.#": 3, "users.0.role": "admin"}},
		{Name: "§1.2 cursor first page", Method: "GET", Path: "/api/v2/users.json?page[size]=2", Header: auth, Status: 200,
			JSON: map[string]any{"users.#": 2, "meta.has_more": true, "meta.after_cursor": c.Present(),
				"links.next": c.Match(`^{base}/api/v2/users\.json\?page\[after\]=\w+&page\[size\]=2$`)},
			Capture: map[string]string{"after": "meta.after_cursor"}},
		{Name: "§1.2 cursor last page: has_more false, links.next null", Method: "GET", Path: "/api/v2/users.json?page[size]=2&page[after]={after}", Header: auth, Status: 200,
			JSON: map[string]any{"users.#": 2, "users.1.email": "bo@example.com", "meta.has_more": false, "links.next": c.Null(), "links.prev": c.Present()}},
		{Name: "§1.2 page[size] over 100", Method: "GET", Path: "/api/v2/users.json?page[size]=101", Header: auth, Status: 400,
			JSON: map[string]any{"error": "InvalidPaginationParameter"}},
		{Name: "§1.2 offset pagination", Method: "GET", Path: "/api/v2/users.json?per_page=3", Header: auth, Status: 200,
			JSON: map[string]any{"users.#": 3, "count": 4, "next_page": c.Match(`^{base}/api/v2/users\.json\?page=2&per_page=3$`), "previous_page": c.Null()}},
		{Name: "§1.2 user by id, .json", Method: "GET", Path: "/api/v2/users/" + ana + ".json", Header: auth, Status: 200,
			JSON: map[string]any{"user.id": ana, "user.email": "ana@example.com"}},
		{Name: "§1.2 user by id, no .json", Method: "GET", Path: "/api/v2/users/" + bo, Header: auth, Status: 200,
			JSON: map[string]any{"user.id": bo, "user.name": "Bo Berg"}},
		{Name: "§1.2 unknown user", Method: "GET", Path: "/api/v2/users/99999.json", Header: auth, Status: 404,
			JSON: map[string]any{"error": "RecordNotFound"}},
		{Name: "§1.2 search by email", Method: "GET", Path: "/api/v2/users/search.json?query=email:bo@example.com", Header: auth, Status: 200,
			JSON: map[string]any{"users.#": 1, "users.0.id": bo, "count": 1, "next_page": c.Null()}},
		{Name: "§1.2 search without .json", Method: "GET", Path: "/api/v2/users/search?query=ana", Header: auth, Status: 200,
			JSON: map[string]any{"users.#": 1, "users.0.email": "ana@example.com"}},
		{Name: "§1.2 search needs query", Method: "GET", Path: "/api/v2/users/search.json", Header: auth, Status: 400,
			JSON: map[string]any{"error": "InvalidParameter", "description": c.Match("query")}},
		{Name: "§1.2 me without .json", Method: "GET", Path: "/api/v2/users/me", Header: auth, Status: 200,
			JSON: map[string]any{"user.email": "admin@example.com"}},
		{Name: "§1.3 Talk availability, .json", Method: "GET", Path: "/api/v2/channels/voice/availabilities/" + ana + ".json", Header: auth, Status: 200,
			JSON: map[string]any{"availability.agent_state": "offline", "availability.via": "client", "availability.call_status": c.Null()}},
		{Name: "§1.3 Talk agent_state refused under omnichannel routing", Method: "PUT", Path: "/api/v2/channels/voice/availabilities/" + ana,
			Body: `{"availability":{"agent_state":"online","via":"client"}}`, Header: json, Status: 422,
			JSON: map[string]any{"error": "OmnichannelRoutingEnabled"}},
		{Name: "§1.3 Talk via still settable", Method: "PUT", Path: "/api/v2/channels/voice/availabilities/" + ana + ".json",
			Body: `{"availability":{"via":"phone"}}`, Header: json, Status: 200,
			JSON: map[string]any{"availability.via": "phone", "availability.agent_state": "offline"}},
		{Name: "§1.5 unified statuses", Method: "GET", Path: "/api/v2/agent_availabilities/agent_statuses", Header: auth, Status: 200,
			JSON: map[string]any{"default.0.id": 2, "default.1.id": 3, "default.1.attributes.name": "online", "default.1.type": "agent_status",
				"default.1.attributes.description": "Can receive work", "default.#": 4, "custom.0.id": 123,
				"custom.0.attributes.channels.talk": "away", "custom.0.updated_at": c.Present(), "links.next": c.Null(), "meta.has_more": false}},
		{Name: "§1.5 set status, {id}", Method: "PUT", Path: "/api/v2/agent_availabilities/agent_statuses/agents/" + ana, Body: `{"id":3}`, Header: json, Status: 200,
			JSON: map[string]any{"data.type": "agent_availabilities", "data.id": "agent_availabilities|" + ana,
				"data.attributes.agent_id": ana, "data.attributes.agent_status.id": 3, "data.attributes.agent_status.name": "online"}},
		{Name: "§1.5 set status, JSON:API body", Method: "PUT", Path: "/api/v2/agent_availabilities/agent_statuses/agents/" + bo + ".json",
			Body: `{"data":{"type":"agent_status","attributes":{"agent_status_id":"123"}}}`, Header: json, Status: 200,
			JSON: map[string]any{"data.attributes.agent_status.name": "In a meeting"}},
		{Name: "§1.5 unknown status", Method: "PUT", Path: "/api/v2/agent_availabilities/agent_statuses/agents/" + bo, Body: `{"id":999}`, Header: json, Status: 422,
			JSON: map[string]any{"error": "RecordInvalid"}},
		{Name: "§1.4 agent availability", Method: "GET", Path: "/api/v2/agent_availabilities/" + ana, Header: auth, Status: 200,
			JSON: map[string]any{"data.type": "agent_availabilities", "data.id": "agent_availabilities|" + ana, "data.attributes.agent_id": ana,
				"data.attributes.agent_status.id": 3, "data.attributes.agent_status.name": "online", "data.attributes.agent_status.reason": "PUBLIC_API",
				"data.links.self": "{base}/api/v2/agent_availabilities/" + ana, "data.relationships.channels.data.0.type": "channels",
				"data.relationships.channels.data.2.id": "agent_availabilities|" + ana + "|channels|talk", "included.#": 3}},
		{Name: "§1.4 filter by channel status", Method: "GET", Path: "/api/v2/agent_availabilities?filter[channel_status]=messaging:online&page[size]=25", Header: auth, Status: 200,
			JSON: map[string]any{"data.#": 1, "data.0.attributes.agent_id": ana, "meta.has_more": false, "links.next": c.Null()}},
		{Name: "§1.4 filter by agent status", Method: "GET", Path: "/api/v2/agent_availabilities.json?filter[agent_status_id]=123", Header: auth, Status: 200,
			JSON: map[string]any{"data.#": 1, "data.0.attributes.agent_id": bo}},
		{Name: "§1.4 cursor page, links in Link too", Method: "GET", Path: "/api/v2/agent_availabilities?page[size]=1", Header: auth, Status: 200,
			JSON:    map[string]any{"data.#": 1, "meta.has_more": true, "links.next": c.Match(`^{base}/api/v2/agent_availabilities\?page\[after\]=`)},
			Headers: map[string]any{"Link": c.Match(`^<{base}/api/v2/agent_availabilities\?page\[after\]=\w+&page\[size\]=1>; rel="next"`)}},
		{Name: "§1.4 unknown filter", Method: "GET", Path: "/api/v2/agent_availabilities?filter[mood]=happy", Header: auth, Status: 400,
			JSON: map[string]any{"error": "InvalidParameter", "description": c.Match(`filter\[mood\]`)}},
		{Name: "§1.5 bulk update", Method: "PUT", Path: "/api/v2/agent_availabilities/agent_statuses/agents/update_many?ids=" + ana + "," + bo + ",424242",
			Body: `{"id":4}`, Header: json, Status: 200,
			JSON:    map[string]any{"job_status.status": "queued", "job_status.total": 3, "job_status.url": c.Match(`^{base}/api/v2/job_statuses/\w+\.json$`)},
			Capture: map[string]string{"job": "job_status.id"}},
		{Name: "§1.5 job status", Method: "GET", Path: "/api/v2/job_statuses/{job}", Header: auth, Status: 200,
			JSON: map[string]any{"job_status.id": "{job}", "job_status.status": "completed", "job_status.results.0.success": true,
				"job_status.results.2.success": false}},
		{Name: "§1.5 job status, agent_statuses path and .json", Method: "GET", Path: "/api/v2/agent_availabilities/agent_statuses/job_statuses/{job}.json", Header: auth, Status: 200,
			JSON: map[string]any{"job_status.status": "completed", "job_status.progress": 3}},
		{Name: "§1.5 bulk update applied", Method: "GET", Path: "/api/v2/agent_availabilities/" + bo + ".json", Header: auth, Status: 200,
			JSON: map[string]any{"data.attributes.agent_status.id": 4, "data.attributes.agent_status.reason": "PUBLIC_API"}},
		{Name: "§1.5 bulk update needs ids", Method: "PUT", Path: "/api/v2/agent_availabilities/agent_statuses/agents/update_many", Body: `{"id":4}`, Header: json, Status: 400,
			JSON: map[string]any{"error": "InvalidParameter", "description": c.Match("ids")}},
		{Name: "unknown job", Method: "GET", Path: "/api/v2/job_statuses/nope", Header: auth, Status: 404,
			JSON: map[string]any{"error": "RecordNotFound"}},
		{Name: "unknown endpoint", Method: "GET", Path: "/api/v2/nothing_here", Header: auth, Status: 404,
			JSON: map[string]any{"error": "InvalidEndpoint"}},
	}
	c.Run(t, c.Server{URL: a.srv.URL, Client: a.srv.Client()}, rows)
}

// TestContractRateLimit checks §1.7: the limit headers, then 429 with Retry-After.
func TestContractRateLimit(t *testing.T) {
	em := zendeskemu.New(zendeskemu.Options{RateLimit: 1})
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	a := &account{em: em, srv: srv}
	auth := c.Auth(a.basic())
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, []c.Row{
		{Name: "§1.7 within the limit", Method: "GET", Path: "/api/v2/users/me", Header: auth, Status: http.StatusOK,
			Headers: map[string]any{"X-Rate-Limit": "1", "X-Rate-Limit-Remaining": "0"}},
		{Name: "§1.7 over the limit", Method: "GET", Path: "/api/v2/users/me", Header: auth, Status: http.StatusTooManyRequests,
			Headers: map[string]any{"Retry-After": c.Match(`^[1-9]\d*$`)}, JSON: map[string]any{"error": "TooManyRequests"}},
	})
}
