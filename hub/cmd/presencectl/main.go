// Command presencectl is the admin command-line client of the Presence Hub. It manages tenants, the
// status catalog, teams, agents, connections, rules, API keys and audit records over the hub's REST
// API. Run "presencectl --help" for the command tree.
//
// Exit codes: 0 success, 1 the hub refused the request or could not be reached, 2 usage error.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"presencehub.dev/hub/internal/ctl"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := ctl.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
