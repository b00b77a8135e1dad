package bus

import (
	"testing"
	"time"
)

func TestWireKeepsWriteAnswers(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 123456000, time.UTC)
	b, err := encode("r1", Event{Kind: KindWriteExpected, TenantID: "tn_1", ConnectionID: "cn_1", ExternalID: "42", VendorState: "away", Answered: at})
	if err != nil {
		t.Fatal(err)
	}
	e, origin, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if origin != "r1" || !e.Answered.Equal(at) || e.VendorState != "away" || e.ConnectionID != "cn_1" || e.ExternalID != "42" {
		t.Errorf("decoded %+v from %s", e, origin)
	}
	if e, _, _ := decode(must(encode("r1", Event{Kind: KindWriteExpected, VendorState: "away", Answered: at, TimedOut: true}))); !e.TimedOut {
		t.Error("a timed-out write's answer decoded as a vendor's answer")
	}
	if e, _, _ := decode(must(encode("r1", Event{Kind: KindWriteExpected, VendorState: "away"}))); !e.Answered.IsZero() {
		t.Errorf("a write about to be sent decoded as answered at %v", e.Answered)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestWireKeepsWhetherTheAgentIsLinked(t *testing.T) {
	for _, unlinked := range []bool{true, false} {
		e, _, err := decode(must(encode("r1", Event{Kind: KindPresence, TenantID: "tn_1", AgentID: "ag_1", Unlinked: unlinked})))
		if err != nil || e.Unlinked != unlinked {
			t.Errorf("Unlinked %v decoded as %v (%v)", unlinked, e.Unlinked, err)
		}
	}
	// An older replica's event says nothing: the agent may be linked, and its devices are refreshed.
	if e, _, err := decode([]byte(`{"o":"r0","k":"presence","t":"tn_1","a":"ag_1"}`)); err != nil || e.Unlinked {
		t.Errorf("an event without the field decoded as Unlinked=%v (%v)", e.Unlinked, err)
	}
}
