package api

import (
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"presencehub.dev/hub/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// FuzzDecodeRequest decodes request bodies of any content as the REST gateway does (protojson, proto
// field names, unknown fields refused) and runs what the handlers run before the store: the update
// mask check, applying the fields, validation. Nothing panics, and what validates holds no control
// characters in its names. Seeds run as a test; go test -fuzz explores.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Support","description":"line\nline"}`,
		`{"name":"Sup\u0000port"}`, `{"name":"\u202egnp.exe"}`,
		`{"email":"a@acme.example","display_name":"A","team_ids":["tm_1"],"identities":[{"connection_id":"cn_1","external_id":"1"}]}`,
		`{"name":"zd","vendor":"zendesk","base_url":"https://acme.zendesk.com","credentials":{"api_token":"x"},"settings":{"a":"b"}}`,
		`{"name":"x","vendor":"http","base_url":"http://127.0.0.1:1","http_connector":{"list_users":{"request":{"url":"/u?p={{page}}"}}}}`,
		`{"name":1}`, `[]`, `{"name":"` + string(make([]byte, 300)) + `"}`,
	} {
		f.Add([]byte(seed), "name,display_name")
	}
	dec := protojson.UnmarshalOptions{DiscardUnknown: false}
	f.Fuzz(func(t *testing.T, body []byte, mask string) {
		paths := fieldmaskpb.FieldMask{Paths: []string{mask}}
		var team phv1.Team
		if dec.Unmarshal(body, &team) == nil {
			_ = checkUpdateMask(&phv1.UpdateTeamRequest{Team: &team, UpdateMask: &paths})
			m := &model.Team{}
			applyTeam(m, &team, nil)
			if check(m).orNil() == nil && !safeText(m.Name, false) {
				t.Fatalf("team name %q validated", m.Name)
			}
		}
		var agent phv1.Agent
		if dec.Unmarshal(body, &agent) == nil {
			m := &model.Agent{}
			applyAgent(m, &agent, nil)
			if check(m).orNil() == nil && (!safeText(m.Email, false) || !safeText(m.DisplayName, false)) {
				t.Fatalf("agent %q / %q validated", m.Email, m.DisplayName)
			}
		}
		var conn phv1.Connection
		if dec.Unmarshal(body, &conn) == nil {
			m := &model.Connection{}
			applyConnection(m, &conn, nil)
			fe := check(m)
			checkCredentials(fe, conn.GetCredentials())
			checkSettings(fe, m)
			_ = endpoint(m.BaseURL)
		}
	})
}
