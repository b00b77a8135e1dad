package store

import (
	"context"
	"fmt"
	"time"

	"presencehub.dev/hub/internal/model"
)

// Devices persists pairing codes (hashed) and paired devices (token hashes).
type Devices interface {
	CreatePairingCode(ctx context.Context, c *model.PairingCode) error
	RedeemPairingCode(ctx context.Context, hash string, now time.Time, d *model.Device) (*model.PairingCode, error)
	DeviceByTokenHash(ctx context.Context, hash string) (*model.Device, error)
	ListDevices(ctx context.Context, tenantID, agentID string) ([]*model.Device, error)
	DeleteDevice(ctx context.Context, tenantID, agentID, id string) error
	TouchDevices(ctx context.Context, seen map[string]time.Time) error
}

// CreatePairingCode stores a code's hash.
func (s *DB) CreatePairingCode(ctx context.Context, c *model.PairingCode) error {
	c.CreateTime = s.now()
	_, err := s.x.ExecContext(ctx, s.q("INSERT INTO pairing_codes (hash, tenant_id, agent_id, supervisor, expire_time, create_time) VALUES (?, ?, ?, ?, ?, ?)"),
		c.Hash, c.TenantID, c.AgentID, c.Supervisor, micros(c.ExpireTime), micros(c.CreateTime))
	if err != nil {
		return fmt.Errorf("creating pairing code: %w", s.mapErr(err))
	}
	return nil
}

// RedeemPairingCode consumes a live code and creates device d for its agent, atomically: a code works
// once, even when two devices race for it. Expired or unknown codes answer ErrNotFound.
func (s *DB) RedeemPairingCode(ctx context.Context, hash string, now time.Time, d *model.Device) (*model.PairingCode, error) {
	var c model.PairingCode
	err := s.inTx(ctx, func(tx queryer) error {
		var et, ct int64
		if err := tx.QueryRowContext(ctx, s.q("SELECT hash, tenant_id, agent_id, supervisor, expire_time, create_time FROM pairing_codes WHERE hash = ?"), hash).
			Scan(&c.Hash, &c.TenantID, &c.AgentID, &c.Supervisor, &et, &ct); err != nil {
			return err
		}
		c.ExpireTime, c.CreateTime = fromMicros(et), fromMicros(ct)
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM pairing_codes WHERE hash = ?"), hash)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if !now.Before(c.ExpireTime) {
			return nil // consumed: an expired code is gone either way
		}
		d.TenantID, d.AgentID, d.Supervisor, d.CreateTime = c.TenantID, c.AgentID, c.Supervisor, s.now()
		_, err = tx.ExecContext(ctx, s.q("INSERT INTO devices (id, tenant_id, agent_id, name, token_hash, supervisor, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)"),
			d.ID, d.TenantID, d.AgentID, d.Name, d.TokenHash, d.Supervisor, micros(d.CreateTime))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("redeeming pairing code: %w", err)
	}
	if !now.Before(c.ExpireTime) {
		return nil, fmt.Errorf("redeeming pairing code: expired: %w", ErrNotFound)
	}
	return &c, nil
}

const deviceCols = "id, tenant_id, agent_id, name, token_hash, supervisor, create_time, last_seen_time"

// DeviceByTokenHash finds the device whose token hashes to hash.
func (s *DB) DeviceByTokenHash(ctx context.Context, hash string) (*model.Device, error) {
	d, err := scanDevice(s.x.QueryRowContext(ctx, s.q("SELECT "+deviceCols+" FROM devices WHERE token_hash = ?"), hash))
	if err != nil {
		return nil, fmt.Errorf("finding device: %w", s.mapErr(err))
	}
	return d, nil
}

// ListDevices lists an agent's devices.
func (s *DB) ListDevices(ctx context.Context, tenantID, agentID string) ([]*model.Device, error) {
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+deviceCols+" FROM devices WHERE tenant_id = ? AND agent_id = ? ORDER BY id"), tenantID, agentID)
	if err != nil {
		return nil, fmt.Errorf("listing devices: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanDevice)
	if err != nil {
		return nil, fmt.Errorf("listing devices: %w", err)
	}
	return list, nil
}

// DeleteDevice revokes a device.
func (s *DB) DeleteDevice(ctx context.Context, tenantID, agentID, id string) error {
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM devices WHERE tenant_id = ? AND agent_id = ? AND id = ?"), tenantID, agentID, id)
	if err != nil {
		return fmt.Errorf("deleting device: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

// TouchDevices records when devices last connected (device id → time), in one transaction: a
// reconnect storm commits once per batch rather than once per device. One device is one statement.
func (s *DB) TouchDevices(ctx context.Context, seen map[string]time.Time) error {
	touch := func(q queryer) error {
		for id, at := range seen {
			if _, err := q.ExecContext(ctx, s.q("UPDATE devices SET last_seen_time = ? WHERE id = ?"), micros(at), id); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if len(seen) == 1 {
		err = touch(s.x)
	} else {
		err = s.inTx(ctx, touch)
	}
	if err != nil {
		return fmt.Errorf("touching %d devices: %w", len(seen), s.mapErr(err))
	}
	return nil
}

func scanDevice(r scanner) (*model.Device, error) {
	var d model.Device
	var ct, ls int64
	if err := r.Scan(&d.ID, &d.TenantID, &d.AgentID, &d.Name, &d.TokenHash, &d.Supervisor, &ct, &ls); err != nil {
		return nil, err
	}
	d.CreateTime, d.LastSeenTime = fromMicros(ct), fromMicros(ls)
	return &d, nil
}
