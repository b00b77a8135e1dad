package simulation

import (
	"slices"
	"testing"
	"time"

	"presencehub.dev/hub/internal/model"
)

// The checkers must catch what they are for: check (a) on hand-made timelines. A checker that cannot
// fail would let every seed pass.
func TestCheckReasonsCatches(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	rule := &model.Rule{
		Inbound:  []model.InboundMapping{{VendorState: "online", Status: "available"}, {VendorState: "away", Status: "lunch"}},
		Outbound: []model.OutboundMapping{{Status: "available", VendorState: "online"}, {Status: "lunch", VendorState: "away"}},
	}
	fromZendesk := func(status string, s int) *model.TimelineEntry {
		return &model.TimelineEntry{Version: 2, Status: status, RequestedStatus: status, Source: model.SourceConnection,
			SourceID: "conn_zd", Reason: "zendesk: x", CreateTime: at(s)}
	}
	for _, c := range []struct {
		name   string
		person []personChange
		entry  *model.TimelineEntry
		sent   []*model.OutboxWrite // the hub's writes to Zendesk
		want   []string             // the checks violated
	}{
		{"PickedAndApplied", []personChange{{at: at(1), state: "online", known: at(2)}}, fromZendesk("available", 2), nil, nil},
		{"NobodyPicked", []personChange{{at: at(1), state: "away", known: at(2)}}, fromZendesk("available", 3), nil, []string{checkReason}},
		{"PickedOnlyLater", []personChange{{at: at(5), state: "online", known: at(6)}}, fromZendesk("available", 3), nil, []string{checkReason}},
		{"AStateTheVendorPassedThrough", []personChange{{at: at(1), asked: "custom", state: "custom", passed: []string{"online", "custom"}}},
			fromZendesk("available", 2), nil, nil},
		{"LeftAndTheHubKnew", []personChange{{at: at(1), state: "online", known: at(2)}, {at: at(3), state: "away", known: at(4)}},
			fromZendesk("available", 5), nil, []string{checkStale}},
		{"LeftForWhatTheHubHadJustWritten", []personChange{{at: at(1), state: "online", known: at(2)}, {at: at(3), state: "away", known: at(4)}},
			fromZendesk("available", 5), []*model.OutboxWrite{{VendorState: "away", Attempts: 1, UpdateTime: at(3)}}, nil},
		{"LeftForWhatTheHubWroteBefore", []personChange{{at: at(1), state: "online", known: at(2)}, {at: at(3), state: "away", known: at(4)}},
			fromZendesk("available", 5), []*model.OutboxWrite{{VendorState: "away", Attempts: 1, UpdateTime: at(2)}}, []string{checkStale}},
		// Picked online while a call showed (away), then custom (unmapped) while it still showed: what the
		// vendor showed did not move, and custom is not synced.
		{"AnUnmappedPickThatChangedNothing", []personChange{{at: at(1), asked: "online", state: "away", known: at(2)},
			{at: at(3), asked: "custom", state: "away", known: at(4)}}, fromZendesk("available", 5), nil, nil},
		{"AMappedPickThatChangedNothing", []personChange{{at: at(1), asked: "online", state: "away", known: at(2)},
			{at: at(3), asked: "away", state: "away", known: at(4)}}, fromZendesk("available", 5), nil, []string{checkStale}},
		{"LeftButTheHubWasNotTold", []personChange{{at: at(1), state: "online", known: at(2)}, {at: at(3), state: "away"}},
			fromZendesk("available", 5), nil, nil},
		{"LeftAndToldOnlyAfter", []personChange{{at: at(1), state: "online", known: at(2)}, {at: at(3), state: "away", known: at(9)}},
			fromZendesk("available", 5), nil, nil},
		{"NotAnAllowedSource", nil, &model.TimelineEntry{Status: "lunch", Source: "drift", CreateTime: at(1)}, nil, []string{checkReason}},
		{"AConnectionOfNoVendor", nil, &model.TimelineEntry{Status: "lunch", RequestedStatus: "lunch", Source: model.SourceConnection,
			SourceID: "conn_other", CreateTime: at(1)}, nil, []string{checkReason}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := &World{start: t0, conns: map[string]string{"zendesk": "conn_zd"}, rules: map[string]*model.Rule{"conn_zd": rule},
				agents: []*agent{{users: map[string]string{"zendesk": "42"}}}, person: map[string][]personChange{}}
			w.person[personKey("conn_zd", "42")] = c.person
			w.checkReasons(0, []*model.TimelineEntry{c.entry}, map[string][]*model.OutboxWrite{"conn_zd": c.sent})
			var got []string
			for _, v := range w.violations {
				got = append(got, v.check)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("violated %v; want %v (%v)", got, c.want, w.violations)
			}
		})
	}
}
