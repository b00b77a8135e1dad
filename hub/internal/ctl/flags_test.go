package ctl

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

func TestParsePairs(t *testing.T) {
	tests := []struct {
		name    string
		vals    []string
		secret  bool
		want    []pair
		wantErr string
	}{
		{name: "none", vals: nil, want: nil},
		{name: "simple", vals: []string{"a=1", "b=2"}, want: []pair{{"a", "1"}, {"b", "2"}}},
		{name: "value keeps equals", vals: []string{"q=x=y"}, want: []pair{{"q", "x=y"}}},
		{name: "empty value", vals: []string{"a="}, want: []pair{{"a", ""}}},
		{name: "key trimmed", vals: []string{" a =1"}, want: []pair{{"a", "1"}}},
		{name: "empty entries skipped", vals: []string{"", "  ", "a=1"}, want: []pair{{"a", "1"}}},
		{name: "missing equals", vals: []string{"abc"}, wantErr: `invalid --f value "abc": want key=value`},
		{name: "empty key", vals: []string{"=v"}, wantErr: "want key=value"},
		{name: "duplicate", vals: []string{"a=1", "a=2"}, wantErr: `key "a" given more than once`},
		{name: "secret not echoed", vals: []string{"ok=1", "s3cr3t"}, secret: true,
			wantErr: "invalid --f value #2: want key=value (value not shown)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parsePairs("f", tc.vals, tc.secret)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				if !isUsage(err) {
					t.Errorf("err %v is not a usage error", err)
				}
				if tc.secret && strings.Contains(err.Error(), "s3cr3t") {
					t.Errorf("error leaks the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseMap(t *testing.T) {
	m, err := parseMap("setting", []string{"a=1", "b=x=y"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"a": "1", "b": "x=y"}; !reflect.DeepEqual(m, want) {
		t.Errorf("got %v, want %v", m, want)
	}
	if m, err := parseMap("setting", []string{""}, false); err != nil || m != nil {
		t.Errorf("empty: got %v, %v; want nil, nil", m, err)
	}
}

func TestNonEmpty(t *testing.T) {
	if got := nonEmpty([]string{"", " a ", "b", "  "}); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("got %q", got)
	}
}

func TestPartialJSON(t *testing.T) {
	f := false
	tests := []struct {
		name   string
		msg    proto.Message
		fields []string
		want   string
	}{
		{
			name:   "only named fields",
			msg:    &phv1.Status{Name: "lunch", DisplayName: "Lunch", Color: "#fff000"},
			fields: []string{"display_name"},
			want:   `{"display_name":"Lunch"}`,
		},
		{
			name:   "zero values are sent when named",
			msg:    &phv1.Status{Name: "x"},
			fields: []string{"order", "color"},
			want:   `{"color":"","order":0}`,
		},
		{
			name:   "optional false",
			msg:    &phv1.Status{AgentSettable: &f},
			fields: []string{"agent_settable"},
			want:   `{"agent_settable":false}`,
		},
		{
			name:   "unset optional is left out",
			msg:    &phv1.Status{},
			fields: []string{"agent_settable"},
			want:   `{}`,
		},
		{
			name: "nested fields",
			msg: &phv1.Tenant{DisplayName: "A", Settings: &phv1.TenantSettings{
				SystemStatePolicy: "refuse", DefaultUnavailableStatus: "away"}},
			fields: []string{"settings.system_state_policy", "settings.max_changes_per_minute"},
			want:   `{"settings":{"max_changes_per_minute":0,"system_state_policy":"refuse"}}`,
		},
		{
			name:   "maps and lists",
			msg:    &phv1.Connection{Name: "z", Settings: map[string]string{"a": "1"}, Credentials: nil},
			fields: []string{"settings", "credentials"},
			want:   `{"credentials":{},"settings":{"a":"1"}}`,
		},
		{
			name:   "repeated empty clears",
			msg:    &phv1.Rule{Name: "r"},
			fields: []string{"team_ids", "fallback_status"},
			want:   `{"fallback_status":"","team_ids":[]}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := partialJSON(tc.msg, tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, string(got), tc.want) {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("bad JSON %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}
