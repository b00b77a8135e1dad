package stream

import (
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

func wireCases() []*phv1.ServerMessage {
	at := time.Date(2026, 11, 22, 5, 43, 11, 0, time.UTC)
	full := &phv1.Presence{AgentId: "agt_01", Status: "lunch", Version: 1 << 40, Source: "device", SourceId: "dev_1",
		Reason: `said "back soon" \ 10 min` + "\n\t\r\x01\x1f", PreviousStatus: "available", QueuedStatus: "Pause café ☕",
		Kind: "away", UpdateTime: timestamppb.New(at)}
	var msgs []*phv1.ServerMessage
	event := func(ev *phv1.PresenceEvent) {
		msgs = append(msgs, &phv1.ServerMessage{Kind: &phv1.ServerMessage_Event{Event: ev}})
	}
	event(&phv1.PresenceEvent{Presence: full, TeamId: "team_1", BlockedReason: "On a call"})
	event(&phv1.PresenceEvent{Presence: &phv1.Presence{AgentId: "a", Version: 1}})
	event(&phv1.PresenceEvent{})
	for _, nanos := range []int{1, 1_000, 120_000, 5_000_000, 999_999_999, 123_456_789} {
		p := proto.Clone(full).(*phv1.Presence)
		p.UpdateTime = timestamppb.New(at.Add(time.Duration(nanos)))
		event(&phv1.PresenceEvent{Presence: p})
	}
	for _, secs := range []int64{0, -1, -62135596800, 253402300799} {
		event(&phv1.PresenceEvent{Presence: &phv1.Presence{AgentId: "a", UpdateTime: &timestamppb.Timestamp{Seconds: secs, Nanos: 7}}})
	}
	ack := func(a *phv1.Ack) { msgs = append(msgs, &phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: a}}) }
	ack(&phv1.Ack{RequestId: "r1", Version: 42, Outcome: "applied"})
	ack(&phv1.Ack{RequestId: `"quoted"`, Version: -3, Outcome: "queued", Reason: "On a call: will switch to Lunch after the call"})
	ack(&phv1.Ack{})
	snap := func(s *phv1.Snapshot) {
		msgs = append(msgs, &phv1.ServerMessage{Kind: &phv1.ServerMessage_Snapshot{Snapshot: s}})
	}
	snap(&phv1.Snapshot{})
	snap(&phv1.Snapshot{TenantId: "tn_1", Supervisor: true})
	snap(&phv1.Snapshot{TenantId: "tn_1", AgentId: "agt_01", DeviceId: "dv_1", Presence: full, BlockedReason: "On a call",
		SettableStatuses: []*phv1.Status{
			{Id: "st_1", Name: "available", DisplayName: "Available ✓", Kind: "available", Color: "#22c55e", AgentSettable: proto.Bool(true),
				Order: 3, CreateTime: timestamppb.New(at), UpdateTime: timestamppb.New(at.Add(time.Millisecond))},
			{Id: "st_2", Name: "lunch", AgentSettable: proto.Bool(false), Order: -2, SystemRole: "previous"},
			{},
		},
		Vendors: []*phv1.VendorState{
			{ConnectionId: "cn_1", ConnectionName: "Aircall \"EU\"", Vendor: "aircall", Sync: "synced", VendorState: "available",
				Detail: "line\n2", VendorStateName: "Available"},
			{ConnectionId: "cn_2", Vendor: "zendesk", Sync: "pending"},
		}})
	return msgs
}

// The hand-written encoders say what protojson would: protojson reads every message back unchanged.
func TestWireEncodersMatchProtojson(t *testing.T) {
	for _, m := range wireCases() {
		data, err := encodeServerMessage(m)
		if err != nil {
			t.Fatalf("encoding %v: %v", m, err)
		}
		var got phv1.ServerMessage
		if err := protojson.Unmarshal(data, &got); err != nil {
			t.Fatalf("protojson cannot read %s: %v", data, err)
		}
		if !proto.Equal(&got, m) {
			t.Errorf("read back %v\nfrom %s\nwant %v", &got, data, m)
		}
		if ev := m.GetEvent(); ev != nil {
			var body phv1.PresenceEvent
			if err := protojson.Unmarshal(eventBody(data), &body); err != nil || !proto.Equal(&body, ev) {
				t.Errorf("event body %s: %v, %v", eventBody(data), &body, err)
			}
		}
	}
}

// What the encoders cannot say goes through protojson: a timestamp out of its range fails as it
// would there, and a string that is not UTF-8 too.
func TestWireEncodersFallBackToProtojson(t *testing.T) {
	msgs := []*phv1.ServerMessage{}
	for _, ev := range []*phv1.PresenceEvent{
		{Presence: &phv1.Presence{AgentId: "a", UpdateTime: &timestamppb.Timestamp{Seconds: 253402300800}}},
		{TeamId: "t\xff"},
	} {
		msgs = append(msgs, &phv1.ServerMessage{Kind: &phv1.ServerMessage_Event{Event: ev}})
	}
	for _, snap := range []*phv1.Snapshot{
		{SettableStatuses: []*phv1.Status{{Id: "s", CreateTime: &timestamppb.Timestamp{Seconds: -62135596801}}}},
		{Vendors: []*phv1.VendorState{{Detail: "\xfe"}}},
		{Presence: &phv1.Presence{Reason: "\xc3"}},
	} {
		msgs = append(msgs, &phv1.ServerMessage{Kind: &phv1.ServerMessage_Snapshot{Snapshot: snap}})
	}
	for _, m := range msgs {
		_, want := protojson.Marshal(m)
		if _, err := encodeServerMessage(m); (err == nil) != (want == nil) || err == nil {
			t.Errorf("%v: encoded with error %v; protojson says %v", m, err, want)
		}
	}
}

func BenchmarkEncodeEvent(b *testing.B) { benchmarkEncode(b, wireCases()[0]) }

func BenchmarkEncodeSnapshot(b *testing.B) {
	cases := wireCases()
	benchmarkEncode(b, cases[len(cases)-1])
}

func benchmarkEncode(b *testing.B, m *phv1.ServerMessage) {
	b.Run("wire", func(b *testing.B) {
		for b.Loop() {
			_, _ = encodeServerMessage(m)
		}
	})
	b.Run("protojson", func(b *testing.B) {
		for b.Loop() {
			_, _ = protojson.Marshal(m)
		}
	})
}
