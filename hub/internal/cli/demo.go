package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"presencehub.dev/hub/internal/app"
	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/demo"
)

func newDemoCommand() *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the hub with a seeded demo tenant (data in ./demo-data unless told otherwise)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(func(c *config.Config) {
				if c.DataDir == config.Default().DataDir {
					c.DataDir = "./demo-data"
				}
			})
			if err != nil {
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
	f.register(cmd)
	return cmd
}

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

Stop with Ctrl-C; data stays in %[5]s.
`, info.HubURL, info.AdminKey, info.TenantName, info.TenantID, dir, info.PairingCode)
}
