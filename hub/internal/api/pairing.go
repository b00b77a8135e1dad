package api

import (
	"context"
	"errors"
	"time"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clientip"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Pairing code lifetimes.
const (
	defaultPairingTTL = 10 * time.Minute
	maxPairingTTL     = 24 * time.Hour
)

// CreatePairingCode makes a one-time code for an agent's tray.
func (s *Service) CreatePairingCode(ctx context.Context, req *phv1.CreatePairingCodeRequest) (*phv1.CreatePairingCodeResponse, error) {
	if req.GetTtlSeconds() < 0 || time.Duration(req.GetTtlSeconds())*time.Second > maxPairingTTL {
		fe := &fieldErrors{}
		fe.add("ttl_seconds", "must be between 0 (default: 600) and %d", int(maxPairingTTL.Seconds()))
		return nil, fe
	}
	if _, err := s.st.GetAgent(ctx, tenantID(ctx), req.GetAgentId()); err != nil {
		return nil, err
	}
	ttl := defaultPairingTTL
	if req.GetTtlSeconds() > 0 {
		ttl = time.Duration(req.GetTtlSeconds()) * time.Second
	}
	code := auth.NewPairingCode()
	pc := &model.PairingCode{
		Hash: auth.Hash(auth.NormalizePairingCode(code)), TenantID: tenantID(ctx), AgentID: req.GetAgentId(),
		Supervisor: req.GetSupervisor(), ExpireTime: s.now().Add(ttl),
	}
	if err := s.st.CreatePairingCode(ctx, pc); err != nil {
		return nil, err
	}
	noteObject(ctx, "agent", req.GetAgentId())
	return &phv1.CreatePairingCodeResponse{PairingCode: &phv1.PairingCode{
		AgentId: pc.AgentID, Code: code, ExpireTime: ts(pc.ExpireTime), Supervisor: pc.Supervisor,
	}}, nil
}

// Pair exchanges a pairing code for a device token. Failed attempts are limited per client address and
// per code, so codes cannot be guessed.
func (s *Service) Pair(ctx context.Context, req *phv1.PairRequest) (*phv1.PairResponse, error) {
	code := auth.NormalizePairingCode(req.GetCode())
	fe := &fieldErrors{}
	if code == "" {
		fe.add("code", "is required")
	} else if len(code) > 32 {
		fe.add("code", "is not a pairing code")
	}
	if len(req.GetDeviceName()) > 200 {
		fe.add("device_name", "must be at most 200 characters")
	} else if !safeText(req.GetDeviceName(), false) {
		fe.add("device_name", "must not contain control characters or bidirectional overrides")
	}
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	addr, codeHash := clientAddr(ctx), auth.Hash(code)
	if wait, blocked := s.pairByAddr.Blocked(addr); blocked {
		return nil, &retryError{after: wait}
	}
	if wait, blocked := s.pairByCode.Blocked(codeHash); blocked {
		return nil, &retryError{after: wait}
	}
	token := auth.NewDeviceToken()
	d := &model.Device{ID: ids.New(ids.Device), Name: req.GetDeviceName(), TokenHash: auth.Hash(token)}
	pc, err := s.st.RedeemPairingCode(ctx, codeHash, s.now(), d)
	if errors.Is(err, store.ErrNotFound) {
		s.pairByAddr.Use(addr)
		s.pairByCode.Use(codeHash)
		return nil, &userError{msg: "unknown, used or expired pairing code", err: store.ErrNotFound}
	}
	if err != nil {
		return nil, err
	}
	noteTenant(ctx, pc.TenantID)
	noteObject(ctx, "device", d.ID)
	return &phv1.PairResponse{DeviceToken: token, Device: deviceProto(d), TenantId: pc.TenantID}, nil
}

// ListDevices lists an agent's paired trays.
func (s *Service) ListDevices(ctx context.Context, req *phv1.ListDevicesRequest) (*phv1.ListDevicesResponse, error) {
	if _, err := s.st.GetAgent(ctx, tenantID(ctx), req.GetAgentId()); err != nil {
		return nil, err
	}
	list, err := s.st.ListDevices(ctx, tenantID(ctx), req.GetAgentId())
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListDevicesResponse{}
	for _, d := range list {
		resp.Devices = append(resp.Devices, deviceProto(d))
	}
	return resp, nil
}

// RevokeDevice invalidates a device's token and closes its live streams.
func (s *Service) RevokeDevice(ctx context.Context, req *phv1.RevokeDeviceRequest) (*phv1.RevokeDeviceResponse, error) {
	if err := s.revoke(ctx, tenantID(ctx), req.GetAgentId(), req.GetDeviceId()); err != nil {
		return nil, err
	}
	noteObject(ctx, "device", req.GetDeviceId())
	return &phv1.RevokeDeviceResponse{}, nil
}

// SignOut revokes the calling device.
func (s *Service) SignOut(ctx context.Context, _ *phv1.SignOutRequest) (*phv1.SignOutResponse, error) {
	d := deviceFrom(ctx)
	if err := s.revoke(ctx, d.TenantID, d.AgentID, d.ID); err != nil {
		return nil, err
	}
	noteObject(ctx, "device", d.ID)
	return &phv1.SignOutResponse{}, nil
}

func (s *Service) revoke(ctx context.Context, tenant, agent, device string) error {
	if err := s.st.DeleteDevice(ctx, tenant, agent, device); err != nil {
		return err
	}
	return s.bus.Publish(ctx, bus.Event{Kind: bus.KindDeviceRevoked, TenantID: tenant, AgentID: agent, DeviceID: device})
}

func deviceProto(d *model.Device) *phv1.Device {
	return &phv1.Device{Id: d.ID, AgentId: d.AgentID, Name: d.Name, CreateTime: ts(d.CreateTime), LastSeenTime: ts(d.LastSeenTime), Supervisor: d.Supervisor}
}

// clientAddr is what the pairing throttle counts for the caller: its address as the server's
// clientip resolver decided (the socket's peer, forwarded headers only from trusted proxies), an IPv6
// address by its /64.
func clientAddr(ctx context.Context) string { return clientip.ThrottleKey(clientip.FromContext(ctx)) }
