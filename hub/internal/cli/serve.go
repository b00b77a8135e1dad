package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"presencehub.dev/hub/internal/app"
	"presencehub.dev/hub/internal/config"
)

func newServeCommand() *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the hub: gRPC, REST, websockets, health and metrics on one port",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(nil)
			if err != nil {
				return err
			}
			log := newLogger(cfg, cmd.ErrOrStderr())
			a, err := app.Open(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer a.Close()
			if a.BootstrapSecret != "" && cfg.BootstrapKey == "" {
				fmt.Fprintf(cmd.OutOrStdout(), "\nCreated the first hub-wide admin key. It is shown only now; store it safely:\n\n    %s\n\n", a.BootstrapSecret)
			}
			ln, err := a.Listen()
			if err != nil {
				return err
			}
			return a.Serve(cmd.Context(), ln)
		},
	}
	f.register(cmd, config.Default().DataDir)
	return cmd
}
