package loadgen

import (
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// The loader's light decoding reads from the hub's messages (protojson, as the hub writes them) what
// its figures need: whose event, to a team or to a device, and how a request was answered.
func TestReceiptReadsWhatTheFiguresNeed(t *testing.T) {
	event := func(agent, team string) *phv1.PresenceEvent {
		return &phv1.PresenceEvent{TeamId: team, Presence: &phv1.Presence{AgentId: agent, Status: "busy", Version: 7, PreviousStatus: "available"}}
	}
	cases := []struct {
		name   string
		msg    *phv1.ServerMessage
		events []receiptEvent
		ack    string
		err    string
		snap   bool
	}{
		{"an event to a team", &phv1.ServerMessage{Kind: &phv1.ServerMessage_Event{Event: event("a1", "t1")}},
			[]receiptEvent{mkEvent("a1", "t1")}, "", "", false},
		{"an event to the agent's device", &phv1.ServerMessage{Kind: &phv1.ServerMessage_Event{Event: event("a2", "")}},
			[]receiptEvent{mkEvent("a2", "")}, "", "", false},
		{"a batch", &phv1.ServerMessage{Kind: &phv1.ServerMessage_Batch{Batch: &phv1.EventBatch{Events: []*phv1.PresenceEvent{event("a3", "t2"), event("a4", "t2")}}}},
			[]receiptEvent{mkEvent("a3", "t2"), mkEvent("a4", "t2")}, "", "", false},
		{"an ack", &phv1.ServerMessage{Kind: &phv1.ServerMessage_Ack{Ack: &phv1.Ack{RequestId: "r1", Outcome: "coalesced", Version: 3}}},
			nil, "coalesced", "", false},
		{"an error", &phv1.ServerMessage{Kind: &phv1.ServerMessage_Error{Error: &phv1.StreamError{RequestId: "r2", Code: "blocked"}}},
			nil, "", "blocked", false},
		{"a team snapshot", &phv1.ServerMessage{Kind: &phv1.ServerMessage_TeamSnapshot{TeamSnapshot: &phv1.TeamSnapshot{TeamId: "t1"}}},
			nil, "", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := protojson.Marshal(c.msg)
			if err != nil {
				t.Fatal(err)
			}
			var r receipt
			if !readReceipt(data, &r) {
				t.Fatalf("not read: %s", data)
			}
			got := r.events()
			if len(got) != len(c.events) {
				t.Fatalf("events %+v, want %+v (%s)", got, c.events, data)
			}
			for i := range got {
				if got[i] != c.events[i] {
					t.Errorf("event %d %+v, want %+v", i, got[i], c.events[i])
				}
			}
			if r.Ack != nil && r.Ack.Outcome != c.ack || r.Ack == nil && c.ack != "" {
				t.Errorf("ack %+v, want %q", r.Ack, c.ack)
			}
			if r.Error != nil && r.Error.Code != c.err || r.Error == nil && c.err != "" {
				t.Errorf("error %+v, want %q", r.Error, c.err)
			}
			if (r.TeamSnapshot != nil) != c.snap {
				t.Errorf("team snapshot %v, want %v", r.TeamSnapshot != nil, c.snap)
			}
		})
	}
	if readReceipt([]byte("not json"), new(receipt)) {
		t.Error("a message that is not JSON was read")
	}
}

func mkEvent(agent, team string) receiptEvent {
	var e receiptEvent
	e.TeamID, e.Presence.AgentID = team, agent
	return e
}
