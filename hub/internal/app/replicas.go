package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/leader"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// openReplication chooses the elector (PostgreSQL: advisory locks; SQLite: always the leader) and the
// bus (local, or NATS between replicas).
func (a *App) openReplication() error {
	cfg := a.Config
	if cfg.Database.Driver == "postgres" {
		opts := leader.Options{Log: a.log}
		if cfg.Bus.Driver == "local" {
			opts.Grace = -1 // no other replica can be working: lead at once
		}
		a.Elector = leader.NewPostgres(cfg.Database.DSN, opts)
	} else {
		a.Elector = leader.NewSingle()
	}
	if cfg.Bus.Driver != "nats" {
		a.Bus = bus.NewLocal()
		return nil
	}
	nb, err := bus.NewNATS(bus.NATSOptions{URL: cfg.Bus.NATSURL, Prefix: cfg.Bus.SubjectPrefix(), Origin: a.Elector.ID(), Log: a.log})
	if err != nil {
		return fmt.Errorf("opening the bus: %w", err)
	}
	a.Bus, a.closeBus = nb, func() { nb.Close(2 * time.Second) }
	a.log.Info("replica joined", slog.String(logkey.Replica, a.Elector.ID()), slog.String(logkey.Subject, cfg.Bus.SubjectPrefix()))
	return nil
}

// followReplicas drops what this replica cached when another one changed it, and everything it may
// have missed when the bus was cut.
func (a *App) followReplicas() {
	a.Bus.Subscribe(func(e bus.Event) {
		switch {
		case e.Kind == bus.KindResync:
			a.Authn.ForgetKeys()
			a.Store.InvalidateAgents()
			a.Engine.ForgetAll()
			a.Sync.Kick()
		case !e.Remote:
		case e.Kind == bus.KindPresence:
			a.Engine.Forget(e.AgentID) // the next change here reads the row another replica wrote
		case e.Kind == bus.KindAgentChanged:
			a.Store.InvalidateAgents()
		case e.Kind == bus.KindKeysChanged:
			a.Authn.ForgetKeys()
		case e.Kind == bus.KindTenantChanged:
			a.Authn.ForgetTenant(e.TenantID) // a deleted tenant takes its keys
			a.Engine.InvalidateTenant(e.TenantID)
			a.Sync.Invalidate(e.TenantID)
		}
	})
}

// storeChanged follows the store's typed change events (store.OnChange): it drops what this replica
// cached of what a committed write changed, and tells the other replicas to drop theirs.
func (a *App) storeChanged(c store.Change) {
	tenant := c.Has(store.ChangedTenant | store.ChangedCatalog | store.ChangedConnections | store.ChangedRules | store.ChangedTeams)
	if c.Has(store.ChangedTenant | store.ChangedCatalog) {
		a.Engine.InvalidateTenant(c.TenantID) // the catalog or settings
	}
	if c.Has(store.ChangedTenant) {
		a.Authn.ForgetTenant(c.TenantID) // a deleted tenant takes its keys
	}
	if c.Has(store.ChangedKeys) {
		a.Authn.ForgetKeys()
		if err := a.Bus.Publish(context.Background(), bus.Event{Kind: bus.KindKeysChanged, TenantID: c.TenantID}); err != nil {
			a.log.Warn("announcing a deleted key to other replicas", slog.String(logkey.TenantID, c.TenantID), slog.Any(logkey.Error, err))
		}
	}
	if tenant {
		a.Sync.Invalidate(c.TenantID) // which writes a change owes
	}
	ctx := context.Background()
	if c.Has(store.ChangedAgents) {
		if err := a.Bus.Publish(ctx, bus.Event{Kind: bus.KindAgentChanged, TenantID: c.TenantID}); err != nil {
			a.log.Warn("announcing an agent change to other replicas", slog.String(logkey.TenantID, c.TenantID), slog.Any(logkey.Error, err))
		}
	}
	if tenant {
		if err := a.Bus.Publish(ctx, bus.Event{Kind: bus.KindTenantChanged, TenantID: c.TenantID}); err != nil {
			a.log.Warn("announcing a tenant change to other replicas", slog.String(logkey.TenantID, c.TenantID), slog.Any(logkey.Error, err))
		}
	}
}
