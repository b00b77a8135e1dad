package stream

import (
	"testing"
	"time"

	"presencehub.dev/hub/internal/model"
)

// TestDeviceCacheDropsByTenantAndRefusesRacedReads: a drop forgets only the tenant (or the device)
// it names, and a read that began before any drop is not cached.
func TestDeviceCacheDropsByTenantAndRefusesRacedReads(t *testing.T) {
	dc := deviceCache{maxSize: 10}
	seen := time.Unix(1_780_000_000, 0)
	for _, d := range []model.Device{
		{ID: "dv_a1", TenantID: "tn_a", TokenHash: "ha1", LastSeenTime: seen},
		{ID: "dv_a2", TenantID: "tn_a", TokenHash: "ha2", LastSeenTime: seen},
		{ID: "dv_b1", TenantID: "tn_b", TokenHash: "hb1", LastSeenTime: seen},
	} {
		_, _, gen := dc.lookup(d.TokenHash)
		dc.store(d.TokenHash, &d, gen)
	}
	cached := func(hash string) bool { _, ok, _ := dc.lookup(hash); return ok }
	if d, ok, _ := dc.lookup("hb1"); !ok || d.TenantID != "tn_b" || d.ID != "dv_b1" {
		t.Fatalf("lookup(hb1) = %+v, %v", d, ok)
	}
	dc.dropTenant("tn_a", "dv_a1")
	if cached("ha1") || !cached("ha2") || !cached("hb1") {
		t.Fatalf("after dropping dv_a1: ha1 %v ha2 %v hb1 %v; want only ha1 gone", cached("ha1"), cached("ha2"), cached("hb1"))
	}
	dc.dropTenant("tn_a", "")
	if cached("ha2") || !cached("hb1") {
		t.Fatalf("after dropping tn_a: ha2 %v hb1 %v; want tn_b kept", cached("ha2"), cached("hb1"))
	}

	_, _, gen := dc.lookup("ha1") // a read starts ...
	dc.dropTenant("tn_b", "")     // ... a revocation is handled meanwhile ...
	dc.store("ha1", &model.Device{ID: "dv_a1", TenantID: "tn_a", TokenHash: "ha1"}, gen)
	if cached("ha1") {
		t.Fatal("a read that began before a drop was cached")
	}
	dc.dropAll()
	if cached("hb1") {
		t.Fatal("dropAll kept a device")
	}
}

// TestDeviceCacheTouchesOncePerInterval: a device whose last-seen time was written less than
// touchEvery ago is not written again; one whose write failed is tried again on its next connect.
func TestDeviceCacheTouchesOncePerInterval(t *testing.T) {
	dc := deviceCache{maxSize: 10}
	seen := time.Unix(1_780_000_000, 0)
	d := model.Device{ID: "dv_a1", TenantID: "tn_a", TokenHash: "ha1", LastSeenTime: seen}
	if !dc.touchDue("ha1", seen) {
		t.Fatal("an uncached device was not touched")
	}
	_, _, gen := dc.lookup("ha1")
	dc.store("ha1", &d, gen)
	for _, c := range []struct {
		at      time.Duration
		want    bool
		written bool // the write succeeded
	}{{time.Second, false, false}, {touchEvery - time.Second, false, false}, {touchEvery, true, false}, {touchEvery + time.Second, true, true},
		{touchEvery + 2*time.Second, false, false}, {2*touchEvery + time.Second, true, true}} {
		if got := dc.touchDue("ha1", seen.Add(c.at)); got != c.want {
			t.Errorf("touchDue at +%s = %v, want %v", c.at, got, c.want)
		}
		if c.written {
			dc.touched("ha1", seen.Add(c.at))
		}
	}
}

// TestDeviceCacheIsBounded: past maxSize the cache starts over.
func TestDeviceCacheIsBounded(t *testing.T) {
	dc := deviceCache{maxSize: 2}
	for _, h := range []string{"h1", "h2", "h3"} {
		_, _, gen := dc.lookup(h)
		dc.store(h, &model.Device{ID: "dv_" + h, TenantID: "tn_a", TokenHash: h}, gen)
	}
	if len(dc.byHash) > 2 {
		t.Fatalf("%d cached devices, want at most 2", len(dc.byHash))
	}
	if _, ok, _ := dc.lookup("h3"); !ok {
		t.Fatal("the newest device was not cached")
	}
}
