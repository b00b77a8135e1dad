// Command presence-load drives a running hub with many streams; see `presence-load -h`.
package main

import (
	"context"
	"os"
	"os/signal"

	"presencehub.dev/hub/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := loadgen.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
