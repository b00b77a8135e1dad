package agentsync

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// schedule starts a run of every enabled connection whose interval has passed since its last run began
// (or, when it never ran, since it was created).
func (s *Service) schedule(ctx context.Context) {
	now := s.opts.Now()
	for tp := (store.Page{Size: store.MaxPageSize}); ; {
		tenants, next, err := s.st.ListTenants(ctx, tp)
		if err != nil {
			s.log.Warn("agent sync schedule: listing tenants", slog.Any(logkey.Error, err))
			return
		}
		for _, t := range tenants {
			s.scheduleTenant(ctx, t.ID, now)
		}
		if tp.Token = next; next == "" || ctx.Err() != nil {
			return
		}
	}
}

func (s *Service) scheduleTenant(ctx context.Context, tenantID string, now time.Time) {
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		conns, next, err := s.st.ListConnections(ctx, tenantID, p)
		if err != nil {
			s.log.Warn("agent sync schedule: listing connections", slog.String(logkey.TenantID, tenantID), slog.Any(logkey.Error, err))
			return
		}
		for _, c := range conns {
			if s.due(ctx, c, now) {
				_, err := s.Start(ctx, c.TenantID, c.ID, model.SyncTriggerSchedule)
				var ce *store.ConflictError
				if err != nil && !errors.As(err, &ce) {
					s.log.Warn("agent sync schedule: starting a run", slog.String(logkey.Connection, c.ID), slog.Any(logkey.Error, err))
				}
			}
		}
		if p.Token = next; next == "" || ctx.Err() != nil {
			return
		}
	}
}

// due reports whether c's scheduled run should start now.
func (s *Service) due(ctx context.Context, c *model.Connection, now time.Time) bool {
	set := settingsOf(c, s.opts.Interval)
	if !c.Enabled || set.Interval <= 0 || !s.vendors.Supports(c.Vendor) {
		return false
	}
	last, err := s.st.LatestSyncRun(ctx, c.TenantID, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		last, err = nil, nil
	}
	if err != nil {
		s.log.Warn("agent sync schedule: reading the last run", slog.String(logkey.Connection, c.ID), slog.Any(logkey.Error, err))
		return false
	}
	return isDue(c, last, set.Interval, now)
}

// isDue reports whether interval has passed since c's last run began (or, when it never ran, since c
// was created), and that run is over.
func isDue(c *model.Connection, last *model.SyncRun, interval time.Duration, now time.Time) bool {
	since := c.CreateTime
	if last != nil {
		if last.State == model.SyncRunning {
			return false
		}
		since = last.CreateTime
	}
	return !now.Before(since.Add(interval))
}
