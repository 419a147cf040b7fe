// Command cairn builds operating-system artifacts from Starlark recipes on
// BuildKit. The work is in internal/cli; main only hands it the process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cairn-build/cairn/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
