// Command cairn builds operating-system artifacts from Starlark recipes on
// BuildKit. The work is in internal/host/cli; main only hands it the process.
package main

import (
	"os"

	"github.com/cairn-build/cairn/internal/host/cli"

	// Engine addresses beyond unix:// and tcp://, as buildctl accepts them.
	_ "github.com/moby/buildkit/client/connhelper/dockercontainer"
	_ "github.com/moby/buildkit/client/connhelper/kubepod"
	_ "github.com/moby/buildkit/client/connhelper/podmancontainer"
	_ "github.com/moby/buildkit/client/connhelper/ssh"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
