package auth

import (
	"sync"

	"presencehub.dev/hub/internal/model"
)

// keyCache answers an API key's check without a database read once the key was seen. A key never
// changes but for its last-use time, so an entry is good until the key is gone; entries are dropped on
// the store's and the bus's typed events (see ForgetKeys, ForgetTenant): a deleted key (all entries),
// a changed or deleted tenant (its keys), lost events (all). Only keys found are cached: an unknown
// token is looked up every time.
//
// A read that raced a drop (it began before the drop and finished after) is not cached: every drop
// advances gen, and a loader stores what it read only if gen has not moved since it began.
type keyCache struct {
	mu     sync.Mutex
	gen    uint64
	byHash map[string]cachedKey
}

// cachedKey is what a Principal needs of a key.
type cachedKey struct {
	id, name, tenantID, role string
}

// maxCachedKeys bounds the cache; past it, it starts over.
const maxCachedKeys = 10_000

func (kc *keyCache) lookup(hash string) (cachedKey, bool, uint64) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	k, ok := kc.byHash[hash]
	return k, ok, kc.gen
}

// store caches a key read from the database, unless a drop happened since gen.
func (kc *keyCache) store(k *model.APIKey, gen uint64) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if gen != kc.gen {
		return
	}
	if kc.byHash == nil || len(kc.byHash) >= maxCachedKeys {
		kc.byHash = map[string]cachedKey{}
	}
	kc.byHash[k.Hash] = cachedKey{id: k.ID, name: k.Name, tenantID: k.TenantID, role: k.Role}
}

// dropTenant forgets the keys of one tenant.
func (kc *keyCache) dropTenant(tenantID string) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	kc.gen++
	for h, k := range kc.byHash {
		if k.tenantID == tenantID {
			delete(kc.byHash, h)
		}
	}
}

// dropAll forgets every key.
func (kc *keyCache) dropAll() {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	kc.gen++
	kc.byHash = nil
}

// ForgetKeys drops every cached key: a key was deleted, here or on another replica, or events may have
// been lost.
func (a *Authenticator) ForgetKeys() { a.cache.dropAll() }

// ForgetTenant drops the cached keys of a tenant that changed or was deleted (its keys with it).
func (a *Authenticator) ForgetTenant(tenantID string) { a.cache.dropTenant(tenantID) }
