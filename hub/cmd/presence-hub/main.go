// Command presence-hub runs the Presence Hub service; see `presence-hub --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"presencehub.dev/hub/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
