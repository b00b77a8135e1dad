package cli

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"presencehub.dev/hub/internal/app"
	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/demo"
	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/emulators"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/shared/logkey"
)

func newDemoCommand() *cobra.Command {
	var f serverFlags
	var emulatorBase int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the hub with a seeded demo tenant and the vendor emulators (data in " + demoDataDir + " unless told otherwise)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(func(c *config.Config) {
				if c.DataDir == config.Default().DataDir {
					c.DataDir = demoDataDir
				}
				c.Outbound.Allow = append(c.Outbound.Allow, "127.0.0.1") // the emulators below
			})
			if err != nil {
				return err
			}
			if err := checkEmulatorPorts(emulatorBase, cfg.Listen); err != nil {
				return err
			}
			info, err := demo.ReadInfo(cfg.DataDir)
			if err != nil {
				return err
			}
			if cfg.BootstrapKey == "" {
				cfg.BootstrapKey = info.AdminKey // keep the key of an earlier demo run
			}
			log := newLogger(cfg, cmd.ErrOrStderr())
			// The emulators first: a port taken fails the demo before it touches the data dir.
			ems, stopEmulators, err := startEmulators(log, emulatorBase)
			defer stopEmulators()
			if err != nil {
				return err
			}
			a, err := app.Open(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer a.Close()
			if a.BootstrapSecret != "" {
				info.AdminKey = a.BootstrapSecret
			}
			if info.AdminKey == "" {
				return fmt.Errorf("the data dir %s already has an admin key that demo.json does not record; use a fresh --data-dir", cfg.DataDir)
			}
			if err := demo.Seed(cmd.Context(), a.Store, &info); err != nil {
				return err
			}
			if err := demo.NewPairingCode(cmd.Context(), a.Store, &info); err != nil {
				return err
			}
			if err := demo.Wire(cmd.Context(), a.Store, a.Sealer, cfg.PublicURL, &info, ems); err != nil {
				return err
			}
			a.Sync.Align(cmd.Context()) // fresh emulators start out of step with the hub: align them
			for _, e := range info.Emulators {
				if e.AgentSync { // seed 001: agent sync links the demo agents to the punch clock's users
					if _, err := a.AgentSync.Start(cmd.Context(), info.TenantID, e.ConnectionID, model.SyncTriggerManual); err != nil {
						log.Warn("demo: starting agent sync", slog.String(logkey.Connection, e.ConnectionID), slog.Any(logkey.Error, err))
					}
				}
			}
			info.HubURL = cfg.PublicURL
			if err := demo.WriteInfo(cfg.DataDir, info); err != nil {
				return err
			}
			ln, err := a.Listen()
			if err != nil {
				return err
			}
			printDemo(cmd.OutOrStdout(), cfg.DataDir, info)
			return a.Serve(cmd.Context(), ln)
		},
	}
	f.register(cmd, demoDataDir)
	cmd.Flags().IntVar(&emulatorBase, "emulator-base-port", 0, emulatorPortsHelp())
	return cmd
}

// demoDataDir is the demo's data dir unless a flag, PRESENCE_HUB_DATA_DIR or the config file names one.
const demoDataDir = "./demo-data"

func printDemo(w io.Writer, dir string, info demo.Info) {
	fmt.Fprintf(w, `
Presence Hub demo is running.

  Hub URL      %[1]s
  Admin key    %[2]s
  Tenant       %[3]s (%[4]s)
  Details      %[5]s/demo.json
  API docs     %[1]s/docs  (machine-readable: %[1]s/openapi.json)
  Pairing code %[6]s  (signs a tray in as the first demo agent; valid 24 h)

Try:
  export PRESENCE_HUB_URL=%[1]s PRESENCE_HUB_KEY=%[2]s
  curl -s -H "Authorization: Bearer $PRESENCE_HUB_KEY" $PRESENCE_HUB_URL/v1/tenants/demo/agents
  curl -s -H "Authorization: Bearer $PRESENCE_HUB_KEY" $PRESENCE_HUB_URL/v1/tenants/demo/statuses
  curl -s -H "Authorization: Bearer $PRESENCE_HUB_KEY" -X POST $PRESENCE_HUB_URL/v1/tenants/demo/teams -d '{"name":"Billing"}'
  curl -s -X POST $PRESENCE_HUB_URL/v1/pair -d '{"code":"%[6]s","device_name":"my laptop"}'
  go run ./hub/cmd/presencectl --tenant demo agents list

Vendor emulators (connected both ways through the rule templates, e.g. Aircall ↔ Zendesk; users and credentials in demo.json):
%[7]s
Read an agent's state (%[11]s) straight from each vendor emulator, through that vendor's API and auth:
%[12]s
  # an agent goes Unavailable "in Aircall": the hub follows and sets Zendesk to Offline
  curl -s -u aircall-demo-id:aircall-demo-secret -X PUT %[8]s -d '{"availability_status":"unavailable"}'
  curl -s -H "Authorization: Bearer $PRESENCE_HUB_KEY" $PRESENCE_HUB_URL/v1/tenants/demo/agents/%[9]s/timeline  # why: each change and its vendor writes
%[10]s
Act as %[11]s in each vendor's own apps, through the emulator's agent's side (unauthenticated, loopback
only; GET %[13]s{external_id} lists the states and verbs: call, call:end, wrap-up, refuse, offline, online):
%[14]s
Stop with Ctrl-C; data stays in %[5]s.
`, info.HubURL, info.AdminKey, info.TenantName, info.TenantID, dir, info.PairingCode, emulatorLines(info), firstAircallUser(info), info.PairingAgentID, punchClockLines(info),
		readEmail(info), stateReadLines(info), emulator.AgentSidePrefix, agentSideLines(info))
}

// agentSideLines is, per vendor, one curl that changes the demo agent readEmail names as the agent
// would in the vendor's own apps.
func agentSideLines(info demo.Info) string {
	var b strings.Builder
	email := readEmail(info)
	for _, e := range info.Emulators {
		id := e.Users[email]
		if id == "" && len(e.Users) > 0 {
			id = slices.Min(slices.Collect(maps.Values(e.Users)))
		}
		if id == "" {
			id = "{external_id}"
		}
		fmt.Fprintf(&b, "  %s\n", emulators.AgentSideExample(e.Vendor, e.BaseURL, id))
	}
	return b.String()
}

// readEmail is the demo agent whose state stateReadLines reads.
func readEmail(info demo.Info) string {
	if r := stateReads(info); len(r) > 0 {
		return r[0].Email
	}
	return "none"
}

func emulatorLines(info demo.Info) string {
	var b strings.Builder
	for _, e := range info.Emulators {
		if e.AgentSync {
			fmt.Fprintf(&b, "  %-10s %s  (seed 001's punch clock through the generic HTTP connector; agents linked by agent sync)\n", e.Vendor, e.BaseURL)
			continue
		}
		if e.Polled {
			fmt.Fprintf(&b, "  %-10s %s  (polled by the hub, no webhooks)\n", e.Vendor, e.BaseURL)
			continue
		}
		fmt.Fprintf(&b, "  %-10s %s  (webhooks to %s/v1/webhooks/%s)\n", e.Vendor, e.BaseURL, info.HubURL, e.ConnectionID)
	}
	return b.String()
}

// firstAircallUser is the Aircall API URL of the first demo agent's emulated user.
func firstAircallUser(info demo.Info) string {
	for _, e := range info.Emulators {
		if e.Vendor == "aircall" && len(e.Users) > 0 {
			return e.BaseURL + "/v1/users/" + slices.Min(slices.Collect(maps.Values(e.Users)))
		}
	}
	return ""
}

// punchClockLines shows seed 001: agent sync of the punch clock, a dry run of its user list, and the
// punches the hub makes when an agent becomes available or goes offline.
func punchClockLines(info demo.Info) string {
	for _, e := range info.Emulators {
		if !e.AgentSync || len(e.Users) == 0 {
			continue
		}
		conn := "$PRESENCE_HUB_URL/v1/tenants/demo/connections/" + e.ConnectionID
		user := slices.Min(slices.Collect(maps.Values(e.Users)))
		return fmt.Sprintf(`
  # seed 001: agents linked to the punch clock by email (its users/not-formatted, keys mapped by JSON path)
  curl -s -H "Authorization: Bearer $PRESENCE_HUB_KEY" %[1]s/sync-runs            # the runs and their reports
  curl -s -H "Authorization: Bearer $PRESENCE_HUB_KEY" -X POST %[1]s/sync-runs -d '{}'
  curl -s -H "Authorization: Bearer $PRESENCE_HUB_KEY" -X POST %[1]s:dryRun -d '{"action":"list_users","variables":{"page":"1"}}'
  # available punches the agent in, offline punches them out:
  curl -s -H "Authorization: Bearer %[2]s" %[3]s/users/%[4]s/punch-clock
`, conn, e.Credentials["api_token"], e.BaseURL, user)
	}
	return ""
}
