package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"presencehub.dev/hub/internal/model"
)

// APIKeys persists admin API keys (hashes only).
type APIKeys interface {
	CreateAPIKey(ctx context.Context, k *model.APIKey) error
	GetAPIKey(ctx context.Context, tenantID, id string) (*model.APIKey, error)
	APIKeyByHash(ctx context.Context, hash string) (*model.APIKey, error)
	ListAPIKeys(ctx context.Context, tenantID string, p Page) ([]*model.APIKey, string, error)
	DeleteAPIKey(ctx context.Context, tenantID, id string) error
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
	CountHubAdminKeys(ctx context.Context) (int, error)
}

const apiKeyCols = "id, COALESCE(tenant_id, ''), name, role, prefix, hash, create_time, last_use_time"

// CreateAPIKey inserts k. An empty TenantID makes a hub-wide key.
func (s *DB) CreateAPIKey(ctx context.Context, k *model.APIKey) error {
	k.CreateTime = s.now()
	_, err := s.x.ExecContext(ctx, s.q("INSERT INTO api_keys (id, tenant_id, name, role, prefix, hash, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)"),
		k.ID, nullable(k.TenantID), k.Name, k.Role, k.Prefix, k.Hash, micros(k.CreateTime))
	if err != nil {
		return fmt.Errorf("creating api key: %w", s.mapErr(err))
	}
	return nil
}

// GetAPIKey reads a key of a tenant ("" for hub-wide keys).
func (s *DB) GetAPIKey(ctx context.Context, tenantID, id string) (*model.APIKey, error) {
	k, err := scanAPIKey(s.x.QueryRowContext(ctx, s.q("SELECT "+apiKeyCols+" FROM api_keys WHERE COALESCE(tenant_id, '') = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting api key: %w", s.mapErr(err))
	}
	return k, nil
}

// APIKeyByHash finds the key whose secret hashes to hash.
func (s *DB) APIKeyByHash(ctx context.Context, hash string) (*model.APIKey, error) {
	k, err := scanAPIKey(s.x.QueryRowContext(ctx, s.q("SELECT "+apiKeyCols+" FROM api_keys WHERE hash = ?"), hash))
	if err != nil {
		return nil, fmt.Errorf("finding api key: %w", s.mapErr(err))
	}
	return k, nil
}

// ListAPIKeys pages through the keys of a tenant ("" for hub-wide keys).
func (s *DB) ListAPIKeys(ctx context.Context, tenantID string, p Page) ([]*model.APIKey, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+apiKeyCols+" FROM api_keys WHERE COALESCE(tenant_id, '') = ? AND id > ? ORDER BY id LIMIT ?"),
		tenantID, after, p.limit()+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing api keys: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanAPIKey)
	if err != nil {
		return nil, "", fmt.Errorf("listing api keys: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(k *model.APIKey) string { return k.ID })
	return list, next, nil
}

// DeleteAPIKey revokes a key.
func (s *DB) DeleteAPIKey(ctx context.Context, tenantID, id string) error {
	defer s.changed(tenantID, ChangedKeys)
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM api_keys WHERE COALESCE(tenant_id, '') = ? AND id = ?"), tenantID, id)
	if err != nil {
		return fmt.Errorf("deleting api key: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

// TouchAPIKey records when a key was last used.
func (s *DB) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	if _, err := s.x.ExecContext(ctx, s.q("UPDATE api_keys SET last_use_time = ? WHERE id = ?"), micros(at), id); err != nil {
		return fmt.Errorf("touching api key: %w", s.mapErr(err))
	}
	return nil
}

// CountHubAdminKeys counts hub-wide admin keys; the first start creates one when there is none.
func (s *DB) CountHubAdminKeys(ctx context.Context) (int, error) {
	var n int
	err := s.x.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM api_keys WHERE tenant_id IS NULL AND role = ?"), model.RoleAdmin).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting hub keys: %w", s.mapErr(err))
	}
	return n, nil
}

func scanAPIKey(r scanner) (*model.APIKey, error) {
	var k model.APIKey
	var ct, lu int64
	if err := r.Scan(&k.ID, &k.TenantID, &k.Name, &k.Role, &k.Prefix, &k.Hash, &ct, &lu); err != nil {
		return nil, err
	}
	k.CreateTime, k.LastUseTime = fromMicros(ct), fromMicros(lu)
	return &k, nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
