package stream

import (
	"context"
	"sync"
	"time"

	"presencehub.dev/hub/internal/model"
)

// deviceCache answers a stream's token check without a database read when the device connected
// before, and lets a reconnect skip the last-seen write when the device was seen within touchEvery.
// A device row never changes but for its last-seen time, so an entry is good until the device is
// gone. Entries are dropped on the bus's typed events: a revoked device (KindDeviceRevoked, from this
// or another replica), any change of the tenant's agents (KindAgentChanged: a deleted agent takes its
// devices) or of the tenant itself (KindTenantChanged: deleted with everything it owns), and
// everything on KindResync. Entries are keyed by the token's hash and hold the device's tenant, so a
// lookup never answers for another tenant; a drop covers only the tenant named.
//
// A read that raced an invalidation (it started before the drop and finished after) is not cached:
// every drop advances gen, and a loader stores what it read only if gen has not moved since it began.
type deviceCache struct {
	mu       sync.Mutex
	gen      uint64
	byHash   map[string]*cachedDevice
	byTenant map[string]map[string]struct{} // tenant → hashes of its cached devices
	maxSize  int
}

// cachedDevice is what a stream needs of a device (its name and creation time are left out: an idle
// stream's memory is counted in hundreds of bytes).
type cachedDevice struct {
	id, tenantID, agentID string
	supervisor            bool
	touched               time.Time // when its last-seen time was last written, as far as this replica knows
}

// touchEvery is how often a reconnecting device's last-seen time is written: it is "last connected",
// to the minute.
const touchEvery = time.Minute

// defaultMaxCachedDevices bounds the cache; past it, it starts over.
const defaultMaxCachedDevices = 200_000

// generation moves on with every drop.
func (dc *deviceCache) generation() uint64 {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	return dc.gen
}

// lookup returns the cached device for a token hash, and the generation a loader must present to store.
func (dc *deviceCache) lookup(hash string) (model.Device, bool, uint64) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if e, ok := dc.byHash[hash]; ok {
		return model.Device{ID: e.id, TenantID: e.tenantID, AgentID: e.agentID, TokenHash: hash, Supervisor: e.supervisor}, true, dc.gen
	}
	return model.Device{}, false, dc.gen
}

// store caches a device read from the database, unless a drop happened since gen.
func (dc *deviceCache) store(hash string, d *model.Device, gen uint64) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if gen != dc.gen {
		return
	}
	if dc.byHash == nil || len(dc.byHash) >= max(1, dc.maxSize) {
		dc.byHash, dc.byTenant = map[string]*cachedDevice{}, map[string]map[string]struct{}{}
	}
	dc.byHash[hash] = &cachedDevice{id: d.ID, tenantID: d.TenantID, agentID: d.AgentID, supervisor: d.Supervisor, touched: d.LastSeenTime}
	if dc.byTenant[d.TenantID] == nil {
		dc.byTenant[d.TenantID] = map[string]struct{}{}
	}
	dc.byTenant[d.TenantID][hash] = struct{}{}
}

// touchDue reports whether the device's last-seen time should be written at now: it was not written
// (successfully) within touchEvery.
func (dc *deviceCache) touchDue(hash string, now time.Time) bool {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	e, ok := dc.byHash[hash]
	return !ok || now.Sub(e.touched) >= touchEvery
}

// touched notes that the device's last-seen time was written at at.
func (dc *deviceCache) touched(hash string, at time.Time) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if e, ok := dc.byHash[hash]; ok && at.After(e.touched) {
		e.touched = at
	}
}

// dropTenant forgets a tenant's devices, or only the one named by deviceID if it is not empty.
func (dc *deviceCache) dropTenant(tenantID, deviceID string) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	dc.gen++
	hashes := dc.byTenant[tenantID]
	for h := range hashes {
		if deviceID == "" || dc.byHash[h].id == deviceID {
			delete(dc.byHash, h)
			delete(hashes, h)
		}
	}
	if len(hashes) == 0 {
		delete(dc.byTenant, tenantID)
	}
}

// dropAll forgets every device.
func (dc *deviceCache) dropAll() {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	dc.gen++
	dc.byHash, dc.byTenant = nil, nil
}

// cachedDevices is the Store's device lookup through the server's cache (for auth.AuthenticateDevice).
type cachedDevices struct{ s *Server }

func (cd cachedDevices) DeviceByTokenHash(ctx context.Context, hash string) (*model.Device, error) {
	s := cd.s
	d, ok, gen := s.devices.lookup(hash)
	if ok {
		return &d, nil
	}
	dev, err := s.st.DeviceByTokenHash(ctx, hash)
	if err != nil {
		return nil, err
	}
	s.devices.store(hash, dev, gen)
	return dev, nil
}
