package emulators_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/emulators"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/shared/testwait"
)

// step is one request to the agent's side and what it must do.
type step struct {
	path, body string
	status     int
	state      string // the agent's state after it ("" : unchecked)
}

func newEmulator(t *testing.T, vendor string) (emulator.Emulator, *httptest.Server) {
	t.Helper()
	em, err := emulators.New(vendor, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(func() {
		srv.Close()
		if c, ok := em.(interface{ Close() }); ok {
			c.Close()
		}
	})
	return em, srv
}

func send(t *testing.T, srv *httptest.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d, body %q is not JSON", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func TestAgentSideVerbsAndStates(t *testing.T) {
	for vendor, steps := range map[string][]step{
		"aircall": {
			{"call", "", 200, "in_call"}, {"call:end", "", 200, "after_call_work"}, {"online", "", 200, "available"},
			{"state", `{"state":"custom"}`, 200, "custom"}, {"refuse", "", 409, "custom"},
			{"offline", "", 200, "custom"}, // an offline user keeps its availability_status
			{"state", `{"state":"do_not_disturb"}`, 400, "custom"},
		},
		"zendesk": {
			{"state", `{"state":"custom:123"}`, 200, "custom:123"}, {"offline", "", 200, "offline"}, {"online", "", 200, "online"},
			{"call", "", 409, "online"}, {"state", `{"state":"custom:999"}`, 400, "online"},
		},
		"salesforce": {
			{"state", `{"state":"On_Break"}`, 200, "On_Break"}, {"offline", "", 200, "Offline"}, {"online", "", 200, "Available"},
			{"wrap-up", "", 409, "Available"},
		},
		"cxone": {
			{"call", "", 200, "InboundContact"}, {"wrap-up", "", 200, "AfterCallWork"}, {"call:end", "", 200, "Available"},
			{"call:end", "", 409, "Available"}, {"refuse", "", 200, "Refused"}, {"state", `{"state":"unavailable:Lunch"}`, 200, "unavailable:Lunch"},
			{"offline", "", 200, "LoggedOut"}, {"online", "", 200, "Available"}, {"state", `{"state":"OutboundContact"}`, 200, "OutboundContact"},
		},
		"genesys": {
			{"state", `{"state":"on_queue"}`, 200, "on_queue"}, {"call", "", 200, "interacting"}, {"call:end", "", 200, "on_queue"},
			{"refuse", "", 200, "not_responding"}, {"state", `{"state":"presence:` + genesysemu.Lunch.ID + `"}`, 200, "presence:" + genesysemu.Lunch.ID},
			{"wrap-up", "", 409, "presence:" + genesysemu.Lunch.ID}, {"offline", "", 200, "offline"}, {"online", "", 200, "available"},
			{"state", `{"state":"presence:` + genesysemu.Retired.ID + `"}`, 400, "available"},
		},
		"talkdesk": {
			{"state", `{"state":"busy:` + talkdeskemu.Lunch.ID + `"}`, 200, "busy:" + talkdeskemu.Lunch.ID}, {"call", "", 200, "on_call"},
			{"call:end", "", 200, "busy:" + talkdeskemu.Lunch.ID}, {"offline", "", 200, "offline"}, {"call", "", 409, "offline"},
			{"online", "", 200, "available"}, {"refuse", "", 409, "available"},
		},
		"servicenow": {
			{"state", `{"state":"state:` + servicenowemu.Break.SysID + `"}`, 200, "state:" + servicenowemu.Break.SysID},
			{"offline", "", 200, "offline"}, {"online", "", 200, "available"}, {"call", "", 409, "available"},
			{"state", `{"state":"state:` + servicenowemu.Training.SysID + `"}`, 400, "available"}, // inactive
		},
		"teams": {
			{"state", `{"state":"InAMeeting"}`, 200, "InAMeeting"}, {"call", "", 200, "InACall"}, {"call:end", "", 200, "InAMeeting"},
			{"state", `{"state":"meeting:end"}`, 200, "Available"}, {"state", `{"state":"DoNotDisturb"}`, 200, "DoNotDisturb"},
			{"state", `{"state":"automatic"}`, 200, "Available"}, {"call", "", 200, "InACall"}, {"call:end", "", 200, "Available"},
			{"offline", "", 200, "Offline"}, {"online", "", 200, "Available"}, {"wrap-up", "", 409, "Available"},
			{"state", `{"state":"InAConferenceCall"}`, 400, "Available"},
		},
		"http": {{"offline", "", 200, "out"}, {"online", "", 200, "in"}, {"call", "", 409, "in"}},
	} {
		t.Run(vendor, func(t *testing.T) {
			em, srv := newEmulator(t, vendor)
			id := em.AddUser("ana@example.com", "Ana Agent")
			base := emulator.AgentSidePrefix + id
			status, got := send(t, srv, "GET", base, "")
			if status != 200 || got["external_id"] != id || len(got["states"].([]any)) == 0 {
				t.Fatalf("GET %s: %d %v", base, status, got)
			}
			for _, s := range steps {
				status, got := send(t, srv, "POST", base+"/"+s.path, s.body)
				if status != s.status {
					t.Errorf("POST %s %s: %d %v; want %d", s.path, s.body, status, got, s.status)
				}
				if status == 200 && got["state"] != s.state {
					t.Errorf("POST %s %s answered state %v; want %q", s.path, s.body, got["state"], s.state)
				}
				if status != 200 && got["error"] == nil {
					t.Errorf("POST %s %s: %d without an error: %v", s.path, s.body, status, got)
				}
				if st, _ := em.State(id); st != s.state {
					t.Errorf("after POST %s %s: state %q; want %q", s.path, s.body, st, s.state)
				}
			}
		})
	}
}

func TestAgentSideErrors(t *testing.T) {
	for _, vendor := range emulators.Vendors() {
		t.Run(vendor, func(t *testing.T) {
			em, srv := newEmulator(t, vendor)
			id := em.AddUser("ana@example.com", "Ana Agent")
			base := emulator.AgentSidePrefix + id
			for _, c := range []struct {
				method, path, body, field string
				status                    int
			}{
				{"GET", emulator.AgentSidePrefix + "no-such-agent", "", "no agent", 404},
				{"POST", emulator.AgentSidePrefix + "no-such-agent/offline", "", "no agent", 404},
				{"POST", base + "/dance", "", "no verb", 404},
				{"POST", base + "/state", "not json", "body", 400},
				{"POST", base + "/state", `{"status":"x"}`, "state", 400},
				{"POST", base + "/state", `{"state":"no-such-state"}`, "state", 400},
				{"POST", base + "/state", `{"state":"` + strings.Repeat("x", 8<<10) + `"}`, "body", 413},
				{"DELETE", base, "", "GET", 405},
				{"GET", base + "/state", "", "POST", 405},
			} {
				status, got := send(t, srv, c.method, c.path, c.body)
				msg, _ := got["error"].(string)
				if status != c.status || !strings.Contains(msg, c.field) {
					t.Errorf("%s %s: %d %q; want %d naming %q", c.method, c.path, status, msg, c.status, c.field)
				}
			}
			if calls := em.Calls(); len(calls) != 0 {
				t.Errorf("the agent's side was recorded as vendor API calls: %v", calls)
			}
		})
	}
}

// TestAgentSideFiresTheVendorsWebhooks: a change through the agent's side fires the same deliveries
// (event kinds, signature headers) as the Go Change; Zendesk's carries reason AGENT_STATUS_SWITCHER.
func TestAgentSideFiresTheVendorsWebhooks(t *testing.T) {
	for vendor, state := range map[string]string{"zendesk": "custom:123", "aircall": "in_call", "servicenow": "away"} {
		t.Run(vendor, func(t *testing.T) {
			em, srv := newEmulator(t, vendor)
			var mu sync.Mutex
			var got []emulator.Delivery
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				got = append(got, emulator.Delivery{Header: r.Header.Clone(), Body: body})
				mu.Unlock()
			}))
			t.Cleanup(hook.Close)
			em.AddWebhook(hook.URL)
			byGo, byHTTP, sentinel := em.AddUser("go@example.com", "Go Agent"), em.AddUser("http@example.com", "Http Agent"), em.AddUser("s@example.com", "Sentinel Agent")
			if err := em.Change(byGo, state); err != nil {
				t.Fatal(err)
			}
			if status, body := send(t, srv, "POST", emulator.AgentSidePrefix+byHTTP+"/state", `{"state":"`+state+`"}`); status != 200 {
				t.Fatalf("POST state: %d %v", status, body)
			}
			if err := em.Change(sentinel, state); err != nil {
				t.Fatal(err)
			}
			// Deliveries are in order: once the sentinel's arrives, both changes' have.
			testwait.For(t, "the sentinel's delivery", func() bool {
				mu.Lock()
				defer mu.Unlock()
				return len(about(got, sentinel)) > 0
			})
			mu.Lock()
			defer mu.Unlock()
			goD, httpD := about(got, byGo), about(got, byHTTP)
			if len(goD) == 0 || len(goD) != len(httpD) {
				t.Fatalf("%d deliveries for the Go change, %d for the agent's side", len(goD), len(httpD))
			}
			for i := range goD {
				if k1, k2 := kind(goD[i]), kind(httpD[i]); k1 != k2 {
					t.Errorf("delivery %d: %s by Go, %s by the agent's side", i, k1, k2)
				}
				for _, h := range []string{zendeskemu.SignatureHeader, zendeskemu.TimestampHeader, servicenowemu.SignatureHeader, servicenowemu.TimestampHeader} {
					if (goD[i].Header.Get(h) == "") != (httpD[i].Header.Get(h) == "") {
						t.Errorf("delivery %d: header %s by Go %q, by the agent's side %q", i, h, goD[i].Header.Get(h), httpD[i].Header.Get(h))
					}
				}
			}
			if vendor == "zendesk" && !slices.ContainsFunc(httpD, func(d emulator.Delivery) bool {
				return strings.Contains(string(d.Body), `"AGENT_STATUS_SWITCHER"`)
			}) {
				t.Errorf("no Zendesk delivery carries reason AGENT_STATUS_SWITCHER: %q", httpD[0].Body)
			}
		})
	}
}

// about lists the deliveries that name id (as a whole word).
func about(all []emulator.Delivery, id string) []emulator.Delivery {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(id) + `\b`)
	var out []emulator.Delivery
	for _, d := range all {
		if re.Match(d.Body) {
			out = append(out, d)
		}
	}
	return out
}

// kind is a delivery's event kind: its type or event field, else its top-level keys.
func kind(d emulator.Delivery) string {
	var m map[string]any
	if json.Unmarshal(d.Body, &m) != nil {
		return "not JSON"
	}
	for _, k := range []string{"type", "event"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}
