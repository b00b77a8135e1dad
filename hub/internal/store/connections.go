package store

import (
	"context"
	"encoding/json"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// Connections persists vendor connections. Secrets arrive already sealed; this package never sees
// plaintext credentials and never returns sealed ones except through ConnectionSecret.
type Connections interface {
	CreateConnection(ctx context.Context, c *model.Connection, secret *model.SealedSecret) error
	GetConnection(ctx context.Context, tenantID, id string) (*model.Connection, error)
	ListConnections(ctx context.Context, tenantID string, p Page) ([]*model.Connection, string, error)
	UpdateConnection(ctx context.Context, c *model.Connection, secret *model.SealedSecret) error
	DeleteConnection(ctx context.Context, tenantID, id string) error
	ConnectionSecret(ctx context.Context, tenantID, id string) (*model.SealedSecret, error)
	ConnectionByID(ctx context.Context, id string) (*model.Connection, error)
}

const connectionCols = "id, tenant_id, name, vendor, base_url, settings, spec, credential_keys, credentials_update_time, enabled, create_time, update_time"

// CreateConnection inserts c with its sealed secret (nil for none).
func (s *DB) CreateConnection(ctx context.Context, c *model.Connection, secret *model.SealedSecret) error {
	defer s.changed(c.TenantID, ChangedConnections)
	c.CreateTime, c.UpdateTime = s.now(), s.now()
	settings, keys, err := connectionJSON(c)
	if err != nil {
		return fmt.Errorf("creating connection: %w", err)
	}
	keyID, sealed := "", []byte(nil)
	if secret != nil {
		keyID, sealed = secret.KeyID, secret.Sealed
		c.CredentialsUpdateTime = c.CreateTime
	}
	_, err = s.x.ExecContext(ctx, s.q("INSERT INTO connections ("+connectionCols+", secret_key_id, secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		c.ID, c.TenantID, c.Name, c.Vendor, c.BaseURL, settings, c.Spec, keys, micros(c.CredentialsUpdateTime), c.Enabled,
		micros(c.CreateTime), micros(c.UpdateTime), keyID, sealed)
	if err != nil {
		return fmt.Errorf("creating connection: %w", s.mapErr(err))
	}
	return nil
}

// GetConnection reads one connection of a tenant (without its secret).
func (s *DB) GetConnection(ctx context.Context, tenantID, id string) (*model.Connection, error) {
	c, err := scanConnection(s.x.QueryRowContext(ctx, s.q("SELECT "+connectionCols+" FROM connections WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting connection: %w", s.mapErr(err))
	}
	return c, nil
}

// ListConnections pages through a tenant's connections.
func (s *DB) ListConnections(ctx context.Context, tenantID string, p Page) ([]*model.Connection, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+connectionCols+" FROM connections WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?"),
		tenantID, after, p.limit()+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing connections: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanConnection)
	if err != nil {
		return nil, "", fmt.Errorf("listing connections: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(c *model.Connection) string { return c.ID })
	return list, next, nil
}

// UpdateConnection writes c's fields; a non-nil secret replaces the stored one.
func (s *DB) UpdateConnection(ctx context.Context, c *model.Connection, secret *model.SealedSecret) error {
	defer s.changed(c.TenantID, ChangedConnections)
	c.UpdateTime = s.now()
	settings, keys, err := connectionJSON(c)
	if err != nil {
		return fmt.Errorf("updating connection: %w", err)
	}
	query := "UPDATE connections SET name = ?, vendor = ?, base_url = ?, settings = ?, spec = ?, enabled = ?, update_time = ?"
	args := []any{c.Name, c.Vendor, c.BaseURL, settings, c.Spec, c.Enabled, micros(c.UpdateTime)}
	if secret != nil {
		c.CredentialsUpdateTime = c.UpdateTime
		query += ", credential_keys = ?, secret_key_id = ?, secret = ?, credentials_update_time = ?"
		args = append(args, keys, secret.KeyID, secret.Sealed, micros(c.CredentialsUpdateTime))
	}
	res, err := s.x.ExecContext(ctx, s.q(query+" WHERE tenant_id = ? AND id = ?"), append(args, c.TenantID, c.ID)...)
	if err != nil {
		return fmt.Errorf("updating connection: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

// DeleteConnection removes a connection; it fails with ErrInUse while rules still use it.
func (s *DB) DeleteConnection(ctx context.Context, tenantID, id string) error {
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM connections WHERE tenant_id = ? AND id = ?"), tenantID, id)
	s.changed(tenantID, ChangedConnections|ChangedAgents) // identities go with it
	if err != nil {
		return fmt.Errorf("deleting connection: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

// ConnectionSecret returns a connection's sealed credentials, or ErrNotFound when none are set.
func (s *DB) ConnectionSecret(ctx context.Context, tenantID, id string) (*model.SealedSecret, error) {
	var sec model.SealedSecret
	err := s.x.QueryRowContext(ctx, s.q("SELECT secret_key_id, secret FROM connections WHERE tenant_id = ? AND id = ?"), tenantID, id).
		Scan(&sec.KeyID, &sec.Sealed)
	if err != nil {
		return nil, fmt.Errorf("reading connection secret: %w", s.mapErr(err))
	}
	if len(sec.Sealed) == 0 {
		return nil, fmt.Errorf("reading connection secret: %w", ErrNotFound)
	}
	return &sec, nil
}

// ResealSecrets rewrites every stored secret through fn in one transaction (seal key rotation).
// fn receives the connection's tenant and id, which the sealer binds the ciphertext to.
func (s *DB) ResealSecrets(ctx context.Context, fn func(tenantID, id string, old model.SealedSecret) (model.SealedSecret, error)) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx queryer) error {
		rows, err := tx.QueryContext(ctx, "SELECT tenant_id, id, secret_key_id, secret FROM connections WHERE secret IS NOT NULL")
		if err != nil {
			return err
		}
		type row struct {
			tenant, id string
			sec        model.SealedSecret
		}
		var all []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.tenant, &r.id, &r.sec.KeyID, &r.sec.Sealed); err != nil {
				rows.Close()
				return err
			}
			all = append(all, r)
		}
		rows.Close()
		for _, r := range all {
			if len(r.sec.Sealed) == 0 {
				continue
			}
			next, err := fn(r.tenant, r.id, r.sec)
			if err != nil {
				return fmt.Errorf("connection %s: %w", r.id, err)
			}
			if _, err := tx.ExecContext(ctx, s.q("UPDATE connections SET secret_key_id = ?, secret = ? WHERE id = ?"), next.KeyID, next.Sealed, r.id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("resealing secrets: %w", err)
	}
	return n, nil
}

func connectionJSON(c *model.Connection) (settings, keys string, err error) {
	if c.Settings == nil {
		c.Settings = map[string]string{}
	}
	if c.CredentialKeys == nil {
		c.CredentialKeys = []string{}
	}
	sb, err := json.Marshal(c.Settings)
	if err != nil {
		return "", "", err
	}
	kb, err := json.Marshal(c.CredentialKeys)
	if err != nil {
		return "", "", err
	}
	return string(sb), string(kb), nil
}

func scanConnection(r scanner) (*model.Connection, error) {
	var c model.Connection
	var settings, keys string
	var cut, ct, ut int64
	if err := r.Scan(&c.ID, &c.TenantID, &c.Name, &c.Vendor, &c.BaseURL, &settings, &c.Spec, &keys, &cut, &c.Enabled, &ct, &ut); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
		return nil, fmt.Errorf("decoding connection settings: %w", err)
	}
	if err := json.Unmarshal([]byte(keys), &c.CredentialKeys); err != nil {
		return nil, fmt.Errorf("decoding credential keys: %w", err)
	}
	c.CredentialsUpdateTime, c.CreateTime, c.UpdateTime = fromMicros(cut), fromMicros(ct), fromMicros(ut)
	return &c, nil
}

// ConnectionByID reads a connection by its id alone, for vendor callbacks that name no tenant (the
// webhook URL carries the connection id; the connection then says which tenant it belongs to).
func (s *DB) ConnectionByID(ctx context.Context, id string) (*model.Connection, error) {
	c, err := scanConnection(s.x.QueryRowContext(ctx, s.q("SELECT "+connectionCols+" FROM connections WHERE id = ?"), id))
	if err != nil {
		return nil, fmt.Errorf("getting connection: %w", s.mapErr(err))
	}
	return c, nil
}
