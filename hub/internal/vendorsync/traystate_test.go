package vendorsync_test

import (
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// vendorsOf indexes a VendorUpdate's or Snapshot's states by vendor.
func vendorsOf(list []*phv1.VendorState) map[string]*phv1.VendorState {
	out := map[string]*phv1.VendorState{}
	for _, v := range list {
		out[v.GetVendor()] = v
	}
	return out
}

// awaitVendors reads the tray's stream until a VendorUpdate satisfies ok.
func awaitVendors(t *testing.T, tray *hubtest.StreamConn, what string, ok func(map[string]*phv1.VendorState) bool) map[string]*phv1.VendorState {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	var last map[string]*phv1.VendorState
	for time.Now().Before(deadline) {
		m, err := tray.TryNext(time.Until(deadline))
		if err != nil {
			break
		}
		if u := m.GetVendorUpdate(); u != nil {
			if last = vendorsOf(u.GetVendors()); ok(last) {
				return last
			}
		}
	}
	t.Fatalf("tray never saw %s; last vendor states %v", what, last)
	return nil
}

func TestTrayShowsWhichSystemsConfirmed(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	tray := h.Dial(t, e.devices[0])
	snap := tray.Next(5 * time.Second).GetSnapshot()
	if got := vendorsOf(snap.GetVendors()); len(got) != 2 || got["zendesk"].GetSync() != "unknown" {
		t.Fatalf("snapshot vendors %v; want aircall and zendesk, nothing written yet", snap.GetVendors())
	}

	e.zd.em.SetDown(true)
	tray.SetStatus("r-lunch", "lunch")
	got := awaitVendors(t, tray, "aircall confirmed while zendesk retries", func(v map[string]*phv1.VendorState) bool {
		return v["aircall"].GetSync() == "confirmed" && v["zendesk"].GetSync() == "pending" && strings.Contains(v["zendesk"].GetDetail(), "503")
	})
	if got["aircall"].GetVendorState() != "unavailable" || got["zendesk"].GetVendorState() != "away" {
		t.Errorf("vendor states %v; want aircall unavailable written, zendesk away on its way", got)
	}
	// The vendors' own names for their states, from the adapters' fixed lists (no request to the vendor).
	if got["aircall"].GetVendorStateName() != "Unavailable" || got["zendesk"].GetVendorStateName() != "Away" {
		t.Errorf("vendor state names %q, %q; want Unavailable, Away", got["aircall"].GetVendorStateName(), got["zendesk"].GetVendorStateName())
	}

	e.zd.em.SetDown(false)
	awaitVendors(t, tray, "zendesk confirmed after the outage", func(v map[string]*phv1.VendorState) bool {
		return v["zendesk"].GetSync() == "confirmed" && v["zendesk"].GetVendorState() == "away"
	})

	// A second device connecting now gets the same picture in its snapshot.
	again := vendorsOf(h.Dial(t, e.devices[0]).Next(5 * time.Second).GetSnapshot().GetVendors())
	if again["zendesk"].GetSync() != "confirmed" || again["aircall"].GetSync() != "confirmed" {
		t.Errorf("snapshot after confirmation: %v", again)
	}
}
