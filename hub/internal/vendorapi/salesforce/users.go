package salesforce

import (
	"context"
	"encoding/json"
	"fmt"

	"presencehub.dev/hub/internal/vendorapi"
)

// usersSOQL lists the org's active standard (internal) users.
const usersSOQL = "SELECT Id, Username, Email, Name, IsActive FROM User WHERE IsActive = true AND UserType = 'Standard' ORDER BY Id"

type userRecord struct {
	ID       string `json:"Id"`
	Username string `json:"Username"`
	Email    string `json:"Email"`
	Name     string `json:"Name"`
	IsActive bool   `json:"IsActive"`
}

// ListUsers pages through active users by SOQL, 200 a batch; the cursor is the answer's
// nextRecordsUrl.
func (a *Adapter) ListUsers(ctx context.Context, cursor string) ([]vendorapi.User, string, error) {
	p, err := a.queryPage(ctx, usersSOQL, cursor)
	if err != nil {
		return nil, "", fmt.Errorf("listing salesforce users: %w", err)
	}
	users := make([]vendorapi.User, 0, len(p.Records))
	for _, raw := range p.Records {
		var u userRecord
		if err := json.Unmarshal(raw, &u); err != nil {
			return nil, "", fmt.Errorf("listing salesforce users: %w", err)
		}
		users = append(users, vendorapi.User{ExternalID: u.ID, Email: u.Email, Name: u.Name, Active: u.IsActive})
		a.mu.Lock()
		a.known[u.ID] = true
		a.mu.Unlock()
	}
	next := ""
	if !p.Done {
		next = p.NextRecordsURL
	}
	return users, next, nil
}

// userExists asks whether id is a user of the org (cached once seen).
func (a *Adapter) userExists(ctx context.Context, id string) (bool, error) {
	a.mu.Lock()
	known := a.known[id]
	a.mu.Unlock()
	if known {
		return true, nil
	}
	p, err := a.queryPage(ctx, "SELECT Id FROM User WHERE Id = "+quote(id), "")
	if err != nil {
		return false, err
	}
	if p.TotalSize == 0 {
		return false, nil
	}
	a.mu.Lock()
	a.known[id] = true
	a.mu.Unlock()
	return true, nil
}
