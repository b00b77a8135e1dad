package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/leader"
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
	// Agents cached by other replicas must go when this one changes them.
	a.Store.OnAgentsChanged(func() {
		if err := nb.Publish(context.Background(), bus.Event{Kind: bus.KindAgentChanged}); err != nil {
			a.log.Warn("announcing an agent change to other replicas", slog.Any(logkey.Error, err))
		}
	})
	a.log.Info("replica joined", slog.String(logkey.Replica, a.Elector.ID()), slog.String(logkey.Subject, cfg.Bus.SubjectPrefix()))
	return nil
}

// followReplicas drops what this replica cached when another one changed it, and everything it may
// have missed when the bus was cut.
func (a *App) followReplicas() {
	a.Bus.Subscribe(func(e bus.Event) {
		switch {
		case e.Kind == bus.KindResync:
			a.Store.InvalidateAgents()
			a.Engine.ForgetAll()
			a.Sync.Kick()
		case !e.Remote:
		case e.Kind == bus.KindPresence:
			a.Engine.Forget(e.AgentID) // the next change here reads the row another replica wrote
		case e.Kind == bus.KindAgentChanged:
			a.Store.InvalidateAgents()
		case e.Kind == bus.KindTenantChanged:
			a.Engine.InvalidateTenant(e.TenantID)
			a.Sync.Invalidate(e.TenantID)
		}
	})
}
