// Package ctl implements presencectl, the admin command-line client of the Presence Hub. It drives the
// hub's REST API (the grpc-gateway mapping of presencehub.v1.PresenceHubService): every command builds
// a request from its flags, sends it through a Client, and prints the response as a table or as
// protojson.
//
// The package keeps HTTP details in client.go, output formatting in output.go and flag parsing helpers
// in flags.go; each resource's commands live in a file of their own.
package ctl

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Environment variables read when the matching flag is not given.
const (
	EnvHub    = "PRESENCE_HUB_URL"
	EnvKey    = "PRESENCE_HUB_KEY"
	EnvTenant = "PRESENCE_HUB_TENANT"

	defaultHub = "http://127.0.0.1:8080"
)

// globals holds the values of the root command's persistent flags.
type globals struct {
	hub     string
	key     string
	tenant  string
	output  string
	timeout time.Duration

	stdout io.Writer
	stderr io.Writer
	// getenv looks up environment variables; tests may replace it.
	getenv func(string) string
}

// NewRootCommand builds the presencectl command tree writing to stdout and stderr. Errors are returned
// from Execute, not printed; use Run to get the CLI's printing and exit-code behaviour.
func NewRootCommand(stdout, stderr io.Writer) *cobra.Command {
	return newRoot(&globals{stdout: stdout, stderr: stderr, getenv: os.Getenv})
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "presencectl",
		Short: "Administer a Presence Hub over its REST API",
		Long: "presencectl manages the tenants, status catalog, teams, agents, connections (and their agent sync\n" +
			"runs), rules, API keys and audit records of a Presence Hub.\n\n" +
			"Connection settings come from flags or the environment:\n" +
			"  --hub     " + EnvHub + "     (default " + defaultHub + ")\n" +
			"  --key     " + EnvKey + "     (sent as \"Authorization: Bearer <key>\")\n" +
			"  --tenant  " + EnvTenant + "  (tenant id or name for tenant-scoped commands)",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &UsageError{Err: err, Command: c.CommandPath()}
	})

	pf := root.PersistentFlags()
	pf.StringVar(&g.hub, "hub", "", "hub base URL (env "+EnvHub+", default "+defaultHub+")")
	pf.StringVar(&g.key, "key", "", "API key (env "+EnvKey+")")
	pf.StringVarP(&g.tenant, "tenant", "t", "", "tenant id or name for tenant-scoped commands (env "+EnvTenant+")")
	pf.StringVarP(&g.output, "output", "o", "table", "output format: table or json")
	pf.DurationVar(&g.timeout, "timeout", 30*time.Second, "timeout of each HTTP request")

	root.AddCommand(
		newTenantsCommand(g),
		newStatusesCommand(g),
		newTeamsCommand(g),
		newAgentsCommand(g),
		newConnectionsCommand(g),
		newSyncRunsCommand(g),
		newRulesCommand(g),
		newKeysCommand(g),
		newAuditCommand(g),
	)
	return root
}

// Run executes presencectl with args, prints any error to stderr and returns the process exit code:
// 0 on success, 1 when the hub or the network failed, 2 on a usage error.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := NewRootCommand(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	if ExitCode(err) == ExitUsage && !isUsage(err) && cmd != nil {
		// cobra's own checks (argument counts, unknown subcommands): point at the failing command.
		err = &UsageError{Err: err, Command: cmd.CommandPath()}
	}
	RenderError(stderr, err)
	return ExitCode(err)
}

// client returns a Client for the hub named by the flags or the environment.
func (g *globals) client() (*Client, error) {
	hub := firstNonEmpty(g.hub, g.getenv(EnvHub), defaultHub)
	u, err := url.Parse(hub)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageErrorf("invalid hub URL %q: want http(s)://host[:port]", hub)
	}
	if g.timeout <= 0 {
		return nil, usageErrorf("--timeout must be positive")
	}
	return NewClient(hub, firstNonEmpty(g.key, g.getenv(EnvKey)), g.timeout), nil
}

// tenantName returns the tenant of tenant-scoped commands, or a usage error when there is none.
func (g *globals) tenantName() (string, error) {
	t := strings.TrimSpace(firstNonEmpty(g.tenant, g.getenv(EnvTenant)))
	if t == "" {
		return "", usageErrorf("this command needs a tenant: pass --tenant/-t <id or name> or set %s", EnvTenant)
	}
	return t, nil
}

// printer returns the output printer chosen by --output.
func (g *globals) printer() (*printer, error) {
	switch g.output {
	case "table", "json":
		return &printer{out: g.stdout, errOut: g.stderr, json: g.output == "json"}, nil
	default:
		return nil, usageErrorf("invalid --output %q: want table or json", g.output)
	}
}

// session bundles what a command needs to talk to the hub and print the answer.
type session struct {
	c *Client
	p *printer
}

// newSession validates the global flags and returns the client and printer.
func (g *globals) newSession() (*session, error) {
	p, err := g.printer()
	if err != nil {
		return nil, err
	}
	c, err := g.client()
	if err != nil {
		return nil, err
	}
	return &session{c: c, p: p}, nil
}

// tenantSession is newSession for tenant-scoped commands; it also returns the tenant.
func (g *globals) tenantSession() (*session, string, error) {
	s, err := g.newSession()
	if err != nil {
		return nil, "", err
	}
	t, err := g.tenantName()
	if err != nil {
		return nil, "", err
	}
	return s, t, nil
}

// runE adapts a command body so that its errors count as runtime failures (exit code 1) unless they
// are usage errors. Errors cobra raises before the body runs (bad flags, wrong argument count) stay
// usage errors.
func runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := fn(cmd, args)
		if err == nil || isUsage(err) {
			if err != nil {
				if ue, ok := err.(*UsageError); ok && ue.Command == "" {
					ue.Command = cmd.CommandPath()
				}
			}
			return err
		}
		return &runtimeError{err}
	}
}

// groupCommand returns a parent command that only groups subcommands: without arguments it prints
// its help, with an unknown subcommand it fails with a usage error.
func groupCommand(use, short string, aliases ...string) *cobra.Command {
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Aliases: aliases,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &UsageError{
					Err:     fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath()),
					Command: cmd.CommandPath(),
				}
			}
			return cmd.Help()
		},
	}
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// oneArg is cobra.ExactArgs(1) with a message naming the argument.
func oneArg(name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%s takes exactly one argument, %s (got %d)", cmd.CommandPath(), name, len(args))
		}
		return nil
	}
}
