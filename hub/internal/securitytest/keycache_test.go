package securitytest

import (
	"net/http"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/testenv"
	"presencehub.dev/shared/testwait"
)

// TestDeletedKeyIsRefusedByEveryReplica: replicas cache the API keys they checked; deleting a key on
// one replica, or deleting its tenant, makes every replica refuse it (the bus carries the drop).
func TestDeletedKeyIsRefusedByEveryReplica(t *testing.T) {
	dsn, natsURL := testenv.Postgres(t), testenv.NATS(t)
	env := ids.New("t")
	a := hubtest.Start(t, hubtest.WithPostgres(dsn), hubtest.WithNATS(natsURL, env))
	b := hubtest.Start(t, hubtest.WithPostgres(dsn), hubtest.WithNATS(natsURL, env))

	base, key := tenant(t, a, "acme")
	k := a.Must(t, http.StatusOK, key, "POST", base+"/api-keys", map[string]any{"name": "temp", "role": "viewer"})
	temp := k["secret"].(string)
	b.Must(t, http.StatusOK, temp, "GET", base+"/teams", nil) // b has checked it: cached there
	a.Must(t, http.StatusOK, key, "DELETE", base+"/api-keys/"+objectID(k, "api_key"), nil)
	a.Must(t, http.StatusUnauthorized, temp, "GET", base+"/teams", nil) // at once where it was deleted
	testwait.Seen(t, 10*time.Second, "replica b refusing the deleted key", func() (bool, string) {
		r := b.Do(t, temp, "GET", base+"/teams", nil)
		return r.Status == http.StatusUnauthorized, string(r.Body)
	})

	// A deleted tenant takes its keys, on every replica.
	other, otherKey := tenant(t, a, "globex")
	b.Must(t, http.StatusOK, otherKey, "GET", other+"/teams", nil)
	a.Must(t, http.StatusOK, a.AdminKey, "DELETE", other, nil)
	testwait.Seen(t, 10*time.Second, "replica b refusing the deleted tenant's key", func() (bool, string) {
		r := b.Do(t, otherKey, "GET", other+"/teams", nil)
		return r.Status == http.StatusUnauthorized, string(r.Body)
	})
	// The first tenant's key still works on both.
	b.Must(t, http.StatusOK, key, "GET", base+"/teams", nil)
	a.Must(t, http.StatusOK, key, "GET", base+"/teams", nil)
}
