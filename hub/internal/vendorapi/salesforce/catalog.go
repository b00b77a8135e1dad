package salesforce

import (
	"context"
	"fmt"
)

type statusRecord struct {
	ID            string `json:"Id"`
	DeveloperName string `json:"DeveloperName"`
	MasterLabel   string `json:"MasterLabel"`
}

// statuses reads the ServicePresenceStatus catalog and refreshes the DeveloperName → Id cache.
func (a *Adapter) statuses(ctx context.Context) ([]statusRecord, error) {
	recs, err := queryAll[statusRecord](ctx, a, "SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus ORDER BY MasterLabel")
	if err != nil {
		return nil, fmt.Errorf("listing salesforce presence statuses: %w", err)
	}
	catalog := make(map[string]string, len(recs))
	for _, r := range recs {
		catalog[r.DeveloperName] = r.ID
	}
	a.mu.Lock()
	a.catalog = catalog
	a.mu.Unlock()
	return recs, nil
}

// statusID returns the id of the status named developerName, reading the catalog when it is not
// cached yet or does not know the name (a status added since).
func (a *Adapter) statusID(ctx context.Context, developerName string) (string, bool, error) {
	a.mu.Lock()
	id, ok := a.catalog[developerName]
	a.mu.Unlock()
	if ok {
		return id, true, nil
	}
	if _, err := a.statuses(ctx); err != nil {
		return "", false, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	id, ok = a.catalog[developerName]
	return id, ok, nil
}
