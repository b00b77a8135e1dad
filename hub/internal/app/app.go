// Package app assembles a running hub from its configuration: data directory, seal key, store,
// bootstrap admin key, bus, leader election, the admin service and the server. serve, demo and the test
// harness share it.
package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	"presencehub.dev/hub/internal/agentsync"
	"presencehub.dev/hub/internal/api"
	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clientip"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/leader"
	"presencehub.dev/hub/internal/metrics"
	"presencehub.dev/hub/internal/outbound"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/server"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/stream"
	"presencehub.dev/hub/internal/vendors"
	"presencehub.dev/hub/internal/vendorsync"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/logkey"
)

// App is an assembled hub.
type App struct {
	Config config.Config
	Store  *store.DB
	Sealer *seal.Sealer
	// Engine is the presence engine (vendor adapters and tests feed it directly).
	Engine *presence.Engine
	// Bus carries events from the engine to streams, the outbox and the other replicas.
	Bus bus.Bus
	// Elector decides whether this replica runs the background work (always, on SQLite).
	Elector leader.Elector
	// BootstrapSecret is the hub-wide admin key created on this start ("" if one existed already).
	BootstrapSecret string
	// Sync is the vendor sync framework (outbox, webhooks, drift repair).
	Sync *vendorsync.Manager
	// AgentSync links agents to vendor users (runs on demand and on schedule).
	AgentSync *agentsync.Service
	// Authn checks API keys (the REST and gRPC API, supervisors' streams, the console).
	Authn       *auth.Authenticator
	log         *slog.Logger
	server      *server.Server
	stopStreams context.CancelFunc
	closeBus    func()
	unlock      func() error // releases the data dir lock
}

// Open prepares everything short of listening. cfg must have passed Finish.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data dir: %w", err)
	}
	unlock, err := seal.LockDataDir(cfg.DataDir, false) // held while serving: no key rotation underneath
	if err != nil {
		return nil, err
	}
	a, err := open(ctx, cfg, log)
	if err != nil {
		_ = unlock()
		return nil, err
	}
	a.unlock = unlock
	return a, nil
}

// open assembles the hub once its data dir is locked.
func open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	sealer, err := openSealer(cfg, log)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return nil, err
	}
	if cfg.Database.Driver == "postgres" {
		st.SetMaxConns(cfg.Database.MaxConns)
	}
	a := &App{Config: cfg, Store: st, Sealer: sealer, log: log, closeBus: func() {}}
	if a.BootstrapSecret, err = bootstrapKey(ctx, st, cfg.BootstrapKey); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.openReplication(); err != nil {
		st.Close()
		return nil, err
	}
	if a.server, err = a.newServer(ctx); err != nil {
		a.closeBus()
		st.Close()
		return nil, err
	}
	log.Info("hub ready", slog.String(logkey.Driver, cfg.Database.Driver), slog.String(logkey.KeyID, sealer.PrimaryKeyID()))
	return a, nil
}

func (a *App) newServer(ctx context.Context) (*server.Server, error) {
	reg := metrics.New()
	reg.Replica(a.Elector.ID(), a.Elector.Leading)
	a.Store.RegisterMetrics(reg)
	b := a.Bus
	clk := clock.Real()
	router := vendorsync.NewRouter(a.Store, 5*time.Second, clk)
	engine := presence.New(a.Store, b, a.log, presence.Options{Planner: router, CachePresence: true, Clock: clk})
	a.Engine = engine
	sc := a.Config.Sync
	vendorHTTP, err := outbound.NewClient(a.Config.Outbound.Policy())
	if err != nil {
		return nil, err
	}
	a.Sync = vendorsync.New(a.Store, a.Sealer, engine, router, b, vendorsync.NewMetrics(reg), a.log, vendorsync.Options{
		Vendors: vendors.All(), MaxAttempts: sc.MaxAttempts, MinBackoff: sc.MinBackoff, MaxBackoff: sc.MaxBackoff,
		EchoWindow: sc.EchoWindow, DriftInterval: sc.DriftInterval, PollInterval: sc.PollInterval,
		Owner: a.Elector.ID(), Alive: a.Elector.Alive, Clock: clk, HTTPClient: vendorHTTP,
	})
	a.AgentSync = agentsync.New(a.Store, a.Sync, a.log, agentsync.Options{Interval: sc.AgentSyncInterval, Owner: a.Elector.ID(), Alive: a.Elector.Alive})
	authn := auth.NewAuthenticator(a.Store, a.log)
	a.Authn = authn
	a.Store.OnChange(a.storeChanged)
	a.followReplicas()
	svc := api.New(api.Deps{Store: a.Store, Sealer: a.Sealer, Engine: engine, Bus: b, Sync: a.Sync, AgentSync: a.AgentSync, Log: a.log})
	streamCtx, stopStreams := context.WithCancel(context.WithoutCancel(ctx))
	a.stopStreams = stopStreams
	streams := stream.New(streamCtx, a.Store, engine, authn, b, a.log, stream.Options{
		OriginPatterns: a.Config.Stream.AllowedOrigins, Heartbeat: a.Config.Stream.Heartbeat, StateNames: a.Sync,
	})
	hc := a.Config.HTTP
	proxies, err := hc.Proxies()
	if err != nil {
		return nil, err
	}
	clientIP := clientip.New(proxies)
	interceptors := []grpc.UnaryServerInterceptor{clientIP.UnaryInterceptor(), reg.UnaryInterceptor(), svc.UnaryInterceptor(authn)}
	g := grpc.NewServer(grpc.MaxRecvMsgSize(a.Config.HTTP.MaxBodyBytes), grpc.ChainUnaryInterceptor(interceptors...))
	phv1.RegisterPresenceHubServiceServer(g, svc)
	inProcess := server.NewInProcess(&phv1.PresenceHubService_ServiceDesc, svc, a.Config.HTTP.MaxBodyBytes, interceptors...)
	var tlsCfg *tls.Config
	if a.Config.TLS.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(a.Config.TLS.CertFile, a.Config.TLS.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading TLS certificate: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	}
	return server.New(ctx, server.Options{
		Log: a.log, GRPC: g, Service: inProcess, Register: registerGateway, Ready: a.Store, Metrics: reg, TLS: tlsCfg,
		ClientIP: clientIP, Limits: server.Limits{ReadTimeout: hc.ReadTimeout, WriteTimeout: hc.WriteTimeout,
			IdleTimeout: hc.IdleTimeout, MaxHeaderBytes: hc.MaxHeaderBytes, MaxBodyBytes: hc.MaxBodyBytes},
		Console: a.console(authn, tlsCfg != nil),
		Extra:   map[string]http.Handler{"GET /v1/stream": server.Unbounded(streams), "POST /v1/webhooks/{connection}": a.Sync.WebhookHandler()},
	})
}

// Listen opens the configured address.
func (a *App) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", a.Config.Listen)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", a.Config.Listen, err)
	}
	return ln, nil
}

// Serve runs the hub on ln until ctx ends; while this replica leads, it also runs the background work
// (outbox, drift repair, polling, agent sync schedule).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	defer context.AfterFunc(ctx, a.stopStreams)() // live streams end with the server
	syncCtx, stopSync := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { a.Engine.Run(syncCtx) }) // restores the changes held when the hub last stopped
	wg.Go(func() { a.Sync.Run(syncCtx) })
	wg.Go(func() { a.Elector.Run(syncCtx, a.lead) })
	defer func() { stopSync(); wg.Wait(); a.AgentSync.Close() }()
	return a.server.Serve(ctx, ln, a.Config.ShutdownTimeout)
}

// lead is the leader's work, until leadership or the hub ends.
func (a *App) lead(ctx context.Context) {
	a.log.Info("this replica runs the background work", slog.String(logkey.Replica, a.Elector.ID()))
	var wg sync.WaitGroup
	wg.Go(func() { a.Sync.Outbox.Run(ctx) })        // claims and delivers the writes; releases its claims when it ends
	wg.Go(func() { a.Sync.Reconcile.Run(ctx) })     // drift repair
	wg.Go(func() { a.Sync.Reconcile.RunKeep(ctx) }) // writes that lapse at the vendor (Teams sessions)
	wg.Go(func() { a.Sync.Inbound.Run(ctx) })       // polls (webhooks reach every replica)
	wg.Go(func() { a.AgentSync.Lead(ctx) })
	wg.Wait()
	a.log.Info("background work stopped", slog.String(logkey.Replica, a.Elector.ID()))
}

// Close ends live streams, stops the engine's timers, disconnects from the other replicas and releases
// the store.
func (a *App) Close() error {
	a.stopStreams()
	a.Engine.Close()
	a.closeBus()
	err := a.Store.Close()
	if a.unlock != nil {
		_ = a.unlock()
	}
	return err
}

// openSealer uses the configured key, or a key file in the data dir (created on first start).
func openSealer(cfg config.Config, log *slog.Logger) (*seal.Sealer, error) {
	var key []byte
	var err error
	if cfg.SealKey != "" {
		if key, err = seal.ParseHexKey(cfg.SealKey); err != nil {
			return nil, fmt.Errorf("PRESENCE_HUB_SEAL_KEY: %w", err)
		}
	} else {
		var created bool
		if key, created, err = seal.LoadOrCreateKeyFile(cfg.DataDir); err != nil {
			return nil, err
		}
		if created {
			log.Warn("NO SEAL KEY CONFIGURED: generated one into the data dir. Vendor secrets are only as safe as that file; " +
				"back it up with the database, or set PRESENCE_HUB_SEAL_KEY (64 hex characters) from a secret manager.")
		}
	}
	return seal.New(key)
}

// registerGateway mounts the REST routes of the service, calling it through cc.
func registerGateway(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
	return phv1.RegisterPresenceHubServiceHandlerClient(ctx, mux, phv1.NewPresenceHubServiceClient(cc))
}
