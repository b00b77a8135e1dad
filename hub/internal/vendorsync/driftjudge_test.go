package vendorsync

import (
	"testing"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/vendorapi"
)

func TestJudgeDrift(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	delivered := &model.OutboxWrite{ID: "wr_2", VendorState: "unavailable", UpdateTime: at}
	for _, c := range []struct {
		name    string
		f       driftFacts
		rewrite bool
	}{
		{"InStep", driftFacts{vendor: vendorapi.AgentState{State: "unavailable"}, want: "unavailable", last: delivered}, false},
		{"AnotherStateOfTheSameStatus", driftFacts{vendor: vendorapi.AgentState{State: "away"}, want: "unavailable", inStep: true, last: delivered}, false},
		// Genesys keeps an interaction's routing status and its start over a presence written during it:
		// older than our write, yet nothing was lost (simulation seed 102158: the rewrite ended a later
		// NOT_RESPONDING the hub had not heard of yet).
		{"SystemStateOlderThanOurWrite", driftFacts{vendor: vendorapi.AgentState{State: "interacting", UpdateTime: at.Add(-time.Minute)}, want: "unavailable", system: true, last: delivered}, false},
		{"StatusCameFromThisVendor", driftFacts{vendor: vendorapi.AgentState{State: "custom"}, want: "unavailable", fromHere: true, last: delivered}, false},
		{"NeverDelivered", driftFacts{vendor: vendorapi.AgentState{State: "available"}, want: "unavailable"}, false},
		{"CurrentStatusNotDelivered", driftFacts{vendor: vendorapi.AgentState{State: "available"}, want: "available", last: delivered}, false},
		{"ChangedAfterOurWrite", driftFacts{vendor: vendorapi.AgentState{State: "available", UpdateTime: at.Add(time.Millisecond)}, want: "unavailable", last: delivered}, false},
		{"OlderThanOurWrite", driftFacts{vendor: vendorapi.AgentState{State: "available", UpdateTime: at.Add(-2 * time.Second)}, want: "unavailable", last: delivered}, true},
		// Salesforce truncates its stamps to the millisecond: a pick in the same instant as our write's
		// answer reads as a hair older (simulation seed 7945). Within a second: the person's stands.
		{"TooCloseToOurWriteToTell", driftFacts{vendor: vendorapi.AgentState{State: "available", UpdateTime: at.Add(-500 * time.Microsecond)}, want: "unavailable", last: delivered}, false},
		// Aircall, ServiceNow: no modified-at, so no proof; even a state the hub wrote there before may be
		// a person's newer choice whose notification was lost (simulation seeds 18 and 20).
		{"NoTimeAnEarlierWriteOfOurs", driftFacts{vendor: vendorapi.AgentState{State: "available"}, want: "unavailable", last: delivered}, false},
		{"NoTimeAStateWeNeverWrote", driftFacts{vendor: vendorapi.AgentState{State: "custom"}, want: "unavailable", last: delivered}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, why := judgeDrift(c.f); got != c.rewrite {
				t.Errorf("rewrite = %v (%s); want %v", got, why, c.rewrite)
			}
		})
	}
}
