// Package cli is the presence-hub command line: serve, demo, emulate and maintenance commands. It only
// parses flags and configuration and hands over to the app and demo packages.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"presencehub.dev/hub/internal/config"
)

// Version is stamped at build time with -ldflags "-X presencehub.dev/hub/internal/cli.Version=...".
var Version = "dev"

// Execute runs the command line and returns the process exit code.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := NewRoot(stdout, stderr)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "presence-hub:", err)
		return 1
	}
	return 0
}

// NewRoot builds the command tree.
func NewRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "presence-hub",
		Short:         "Presence Hub keeps each contact-center agent's status the same in every phone system and helpdesk.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newServeCommand(), newDemoCommand(), newRotateSealKeyCommand(), newEmulateCommand())
	return root
}

// serverFlags are the settings every hub-running command accepts; flags win over env and file.
type serverFlags struct {
	configPath, listen, dataDir, logLevel, logFormat string
}

// register adds the flags; dataDirDefault is what the command uses when neither flag, env nor file
// names a data dir (shown in the help).
func (f *serverFlags) register(cmd *cobra.Command, dataDirDefault string) {
	cmd.Flags().StringVarP(&f.configPath, "config", "c", os.Getenv("PRESENCE_HUB_CONFIG"), "YAML config file (see hub/config.example.yaml); env PRESENCE_HUB_CONFIG")
	cmd.Flags().StringVar(&f.listen, "listen", "", "host:port to serve on (env PRESENCE_HUB_LISTEN, default 127.0.0.1:8080)")
	cmd.Flags().StringVar(&f.dataDir, "data-dir", "", "directory for the database and seal key (env PRESENCE_HUB_DATA_DIR, default "+dataDirDefault+")")
	cmd.Flags().StringVar(&f.logLevel, "log-level", "", "debug, info, warn or error (env PRESENCE_HUB_LOG_LEVEL)")
	cmd.Flags().StringVar(&f.logFormat, "log-format", "", "text or json (env PRESENCE_HUB_LOG_FORMAT)")
}

// load reads file and env, applies the flags and checks the result.
func (f *serverFlags) load(defaults func(*config.Config)) (config.Config, error) {
	cfg, err := config.Load(f.configPath, os.Getenv)
	if err != nil {
		return cfg, err
	}
	if defaults != nil {
		defaults(&cfg)
	}
	for flag, dst := range map[string]*string{f.listen: &cfg.Listen, f.dataDir: &cfg.DataDir, f.logLevel: &cfg.Log.Level, f.logFormat: &cfg.Log.Format} {
		if flag != "" {
			*dst = flag
		}
	}
	if err := cfg.Finish(); err != nil {
		return cfg, fmt.Errorf("invalid configuration: %w", err)
	}
	return cfg, nil
}

// newLogger builds the process logger from the config.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
