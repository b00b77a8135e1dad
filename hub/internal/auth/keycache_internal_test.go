package auth

import (
	"testing"

	"presencehub.dev/hub/internal/model"
)

func TestKeyCacheKeepsNoReadThatRacedADrop(t *testing.T) {
	var kc keyCache
	k := &model.APIKey{ID: "ak_1", TenantID: "tn_a", Name: "ops", Role: "admin", Hash: "h1"}
	_, _, gen := kc.lookup("h1")
	kc.dropTenant("tn_a") // the key was deleted while its row was being read
	kc.store(k, gen)
	if _, ok, _ := kc.lookup("h1"); ok {
		t.Fatal("a read that began before a drop was cached")
	}
	_, _, gen = kc.lookup("h1")
	kc.store(k, gen)
	if got, ok, _ := kc.lookup("h1"); !ok || got.id != "ak_1" || got.tenantID != "tn_a" || got.role != "admin" {
		t.Fatalf("cached %+v %v, want ak_1 of tn_a", got, ok)
	}
	kc.dropTenant("tn_b")
	if _, ok, _ := kc.lookup("h1"); !ok {
		t.Fatal("another tenant's drop took tn_a's key")
	}
	kc.dropAll()
	if _, ok, _ := kc.lookup("h1"); ok {
		t.Fatal("dropAll kept a key")
	}
}
