package stream

import (
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// clientMessageSeeds are requests as clients send them, and near misses the scanner must leave to
// protojson.
var clientMessageSeeds = []string{
	`{"setStatus":{"requestId":"r1","status":"busy"}}`,
	`{"setStatus":{"requestId":"r1","status":"busy","baseVersion":"12"}}`,
	`{"setStatus":{"requestId":"r1","status":"busy","baseVersion":12}}`,
	` { "set_status" : { "request_id" : "r1" , "status" : "away" , "base_version" : -3 } } `,
	`{"subscribeTeam":{"requestId":"t","teamId":"01J0TEAM"}}`,
	`{"subscribe_team":{"team_id":"x"}}`,
	`{"setStatus":{}}`,
	`{}`,
	`{"setStatus":{"status":"a\u00e9"}}`,
	`{"setStatus":{"status":"caf` + "\xc3\xa9" + `"}}`,
	`{"setStatus":{"status":"x","status":"y"}}`,
	`{"setStatus":{"requestId":"a","request_id":"b"}}`,
	`{"setStatus":{"status":null}}`,
	`{"setStatus":{"baseVersion":1e2}}`,
	`{"setStatus":{"baseVersion":012}}`,
	`{"setStatus":{"baseVersion":-0}}`,
	`{"setStatus":{"baseVersion":"-0"}}`,
	`{"setStatus":{"baseVersion":99999999999999999999}}`,
	`{"setStatus":{"status":"busy"},"subscribeTeam":{"teamId":"t"}}`,
	`{"setStatus":{"status":"busy"}}x`,
	`{"setStatus":{"status":"busy",}}`,
	`{"setStatus":{"bogus":"busy"}}`,
	`{"setStatus":{"status":"busy"}`,
	`[]`,
	``,
}

// Every request the scanner reads, it reads as protojson does; whatever protojson refuses is refused.
func FuzzDecodeClientMessage(f *testing.F) {
	for _, s := range clientMessageSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want, got phv1.ClientMessage
		wantErr := protojson.Unmarshal(data, &want)
		gotErr := decodeClientMessage(data, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q: protojson error %v, decodeClientMessage error %v", data, wantErr, gotErr)
		}
		if wantErr == nil && !proto.Equal(&want, &got) {
			t.Fatalf("%q: protojson read %v, decodeClientMessage %v", data, &want, &got)
		}
	})
}

// The requests clients send take the scanner's path, not protojson's.
func TestClientRequestsAreScanned(t *testing.T) {
	for _, s := range clientMessageSeeds[:7] {
		var m phv1.ClientMessage
		if !scanClientMessage([]byte(s), &m) {
			t.Errorf("%s went to protojson", s)
		}
	}
	data := []byte(clientMessageSeeds[0])
	if allocs := testing.AllocsPerRun(100, func() {
		var m phv1.ClientMessage
		scanClientMessage(data, &m)
	}); allocs > 4 { // the request, its oneof wrapper, its two strings
		t.Errorf("%.0f allocations to scan a set_status", allocs)
	}
}

func BenchmarkDecodeClientMessage(b *testing.B) {
	data := []byte(`{"setStatus":{"requestId":"1234","status":"available"}}`)
	b.Run("scanner", func(b *testing.B) {
		for b.Loop() {
			var m phv1.ClientMessage
			_ = decodeClientMessage(data, &m)
		}
	})
	b.Run("protojson", func(b *testing.B) {
		for b.Loop() {
			var m phv1.ClientMessage
			_ = protojson.Unmarshal(data, &m)
		}
	})
}
