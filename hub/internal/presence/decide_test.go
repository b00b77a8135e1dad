package presence

import (
	"errors"
	"testing"

	"presencehub.dev/hub/internal/model"
)

func testTenant(policy string) *tenantInfo {
	t := &tenantInfo{settings: model.TenantSettings{SystemStatePolicy: policy}, byName: map[string]*model.Status{}}
	for _, st := range []model.Status{
		{Name: "available", DisplayName: "Available", Kind: model.KindAvailable, AgentSettable: true},
		{Name: "lunch", DisplayName: "Lunch", Kind: model.KindAway, AgentSettable: true},
		{Name: "training", DisplayName: "Training", Kind: model.KindBusy, AgentSettable: false},
		{Name: "offline", DisplayName: "Offline", Kind: model.KindOffline, AgentSettable: true},
		{Name: "on-call", DisplayName: "On a call", Kind: model.KindSystem},
		{Name: "acw", DisplayName: "After call work", Kind: model.KindSystem},
	} {
		t.byName[st.Name] = &st
	}
	return t
}

func TestDecide(t *testing.T) {
	p := func(status, prev, held, queued string) *model.Presence {
		return &model.Presence{Status: status, PreviousStatus: prev, HeldStatus: held, QueuedStatus: queued, Version: 3}
	}
	cases := []struct {
		name    string
		policy  string
		cur     *model.Presence
		source  string
		status  string
		outcome string
		want    *model.Presence // status, previous, held, queued of the result
		err     error
	}{
		{"device picks a settable status", "", p("offline", "", "", ""), model.SourceDevice, "available", OutcomeApplied, p("available", "offline", "", ""), nil},
		{"same status is a no-op", "", p("available", "offline", "", ""), model.SourceDevice, "available", OutcomeUnchanged, nil, nil},
		{"device cannot pick a system state", "", p("available", "", "", ""), model.SourceDevice, "on-call", "", nil, ErrNotSettable},
		{"device cannot pick a non-settable status", "", p("available", "", "", ""), model.SourceDevice, "training", "", nil, ErrNotSettable},
		{"admin may set a non-settable status", "", p("available", "", "", ""), model.SourceAdmin, "training", OutcomeApplied, p("training", "available", "", ""), nil},
		{"unknown status", "", p("available", "", "", ""), model.SourceAdmin, "nap", "", nil, ErrUnknownStatus},
		{"entering a system state holds the status", "", p("lunch", "available", "", ""), model.SourceConnection, "on-call", OutcomeApplied, p("on-call", "lunch", "lunch", ""), nil},
		{"system to system keeps what is held", "", p("on-call", "lunch", "lunch", ""), model.SourceConnection, "acw", OutcomeApplied, p("acw", "on-call", "lunch", ""), nil},
		{"device during a call is queued", "", p("on-call", "lunch", "lunch", ""), model.SourceDevice, "available", OutcomeQueued, p("on-call", "lunch", "lunch", "available"), nil},
		{"same queued request again is a no-op", "", p("on-call", "lunch", "lunch", "available"), model.SourceDevice, "available", OutcomeUnchanged, nil, nil},
		{"device during a call is refused by policy", "refuse", p("on-call", "lunch", "lunch", ""), model.SourceDevice, "available", "", nil, ErrBlocked},
		{"call ends: the queued status wins", "", p("acw", "on-call", "lunch", "available"), model.SourceConnection, "offline", OutcomeApplied, p("available", "acw", "", ""), nil},
		{"call ends without a queue", "", p("acw", "on-call", "lunch", ""), model.SourceConnection, "offline", OutcomeApplied, p("offline", "acw", "", ""), nil},
		{"previous after a call restores the held status", "", p("acw", "on-call", "lunch", ""), model.SourceConnection, "previous", OutcomeApplied, p("lunch", "acw", "", ""), nil},
		{"previous outside a call returns to the last status", "", p("lunch", "available", "", ""), model.SourceDevice, "previous", OutcomeApplied, p("available", "lunch", "", ""), nil},
		{"previous with no history", "", p("offline", "", "", ""), model.SourceDevice, "previous", "", nil, ErrNoPrevious},
		{"admin ends a call: queue dropped", "", p("on-call", "lunch", "lunch", "available"), model.SourceAdmin, "offline", OutcomeApplied, p("offline", "on-call", "", ""), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := decide(testTenant(c.policy), c.cur, Request{Status: c.status, Source: c.source})
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.outcome != c.outcome {
				t.Fatalf("outcome %s, want %s", d.outcome, c.outcome)
			}
			if c.want == nil {
				return
			}
			got := d.next
			if got.Status != c.want.Status || got.PreviousStatus != c.want.PreviousStatus || got.HeldStatus != c.want.HeldStatus || got.QueuedStatus != c.want.QueuedStatus {
				t.Fatalf("next = status %q prev %q held %q queued %q, want %q %q %q %q", got.Status, got.PreviousStatus, got.HeldStatus, got.QueuedStatus,
					c.want.Status, c.want.PreviousStatus, c.want.HeldStatus, c.want.QueuedStatus)
			}
		})
	}
}

// A call in one vendor (Talkdesk) with a status queued from the tray: the phone vendor's own "the call
// is over" applies the queued status; a person's pick in another vendor after it is newer and wins.
// Queuing keeps who set the system state.
func TestDecideQueuedAgainstAnotherVendorsPick(t *testing.T) {
	onCall := &model.Presence{Status: "on-call", PreviousStatus: "busy", HeldStatus: "busy", Version: 2,
		Source: model.SourceConnection, SourceID: "conn_talkdesk", Reason: "talkdesk: on_call"}
	d, err := decide(testTenant(""), onCall, Request{Status: "lunch", Source: model.SourceDevice, SourceID: "dev_1"})
	if err != nil || d.outcome != OutcomeQueued {
		t.Fatalf("tray lunch during the call: %v %v; want queued", d.outcome, err)
	}
	queued := d.next
	if queued.Source != model.SourceConnection || queued.SourceID != "conn_talkdesk" || queued.QueuedStatus != "lunch" {
		t.Fatalf("queued presence %+v: the call's source must stay, lunch queued", queued)
	}
	for _, c := range []struct {
		from, want string
	}{{"conn_talkdesk", "lunch"}, {"conn_servicenow", "available"}} {
		d, err := decide(testTenant(""), &queued, Request{Status: "available", Source: model.SourceConnection, SourceID: c.from})
		if err != nil || d.outcome != OutcomeApplied || d.next.Status != c.want || d.next.QueuedStatus != "" {
			t.Errorf("available from %s: %s %+v %v; want %s applied, nothing queued", c.from, d.outcome, d.next, err, c.want)
		}
	}
}
