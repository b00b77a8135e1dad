package ctl

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	err := writeTable(&b, []string{"ID", "NAME", "NOTE"}, [][]string{
		{"st_1", "available", ""},
		{"st_22", "lunch\tbreak", "two\nlines"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "ID     NAME         NOTE\n" +
		"st_1   available    -\n" +
		"st_22  lunch break  two lines\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

func TestWriteDetail(t *testing.T) {
	var b strings.Builder
	if err := writeDetail(&b, []field{{"ID", "tm_1"}, {"Description", ""}}); err != nil {
		t.Fatal(err)
	}
	want := "ID:          tm_1\nDescription: -\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestFormatters(t *testing.T) {
	yes, no := true, false
	tests := []struct{ got, want string }{
		{fmtTime(nil), ""},
		{fmtTime(&timestamppb.Timestamp{}), ""},
		{fmtTime(timestamppb.New(time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600)))), "2025-03-04T04:06:07Z"},
		{fmtOptBool(nil, true), "yes"},
		{fmtOptBool(&no, true), "no"},
		{fmtOptBool(&yes, false), "yes"},
		{statusSettable(&phv1.Status{Kind: "system"}), "no"},
		{statusSettable(&phv1.Status{Kind: "away"}), "yes"},
		{credentialSummary(&phv1.Connection{}), "not set"},
		{credentialSummary(&phv1.Connection{CredentialsSet: true, CredentialKeys: []string{"b", "a"}}), "set (a,b)"},
		{fmtPairs([]pair{{"a", "1"}, {"b", "2"}}), "a=1,b=2"},
		{fmtPairs(nil), "-"},
		{keyScope(&phv1.ApiKey{}), "hub-wide"},
		{keyScope(&phv1.ApiKey{TenantId: "tn_1"}), "tn_1"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("#%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestJSONOutputRedactsCredentials(t *testing.T) {
	resp := &phv1.ListConnectionsResponse{Connections: []*phv1.Connection{
		{Id: "cn_1", Credentials: map[string]string{"api_token": "SUPERSECRET"}, CredentialKeys: []string{"api_token"}},
	}}
	var b strings.Builder
	p := &printer{out: &b, json: true}
	if err := p.message(resp); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "SUPERSECRET") {
		t.Fatalf("credential value printed:\n%s", out)
	}
	for _, want := range []string{`"credential_keys"`, `"api_token"`, `"next_page_token": ""`, "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
