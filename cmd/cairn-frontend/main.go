// Command cairn-frontend serves cairn's build function as a BuildKit
// gateway frontend, so buildctl, docker buildx and anything else that
// drives BuildKit can build a cairn recipe without the cairn CLI: the
// frontend image is the only thing a CI machine needs besides its engine.
//
// It is thin on purpose. The frontend is frontends/gateway, around
// frontends.Build, the build function `cairn build` runs in-process; both
// compile the same graph, so they give the same bytes and share the
// engine's cache. See docs/ci.md.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/cairn-build/cairn/frontends/gateway"
	"github.com/cairn-build/cairn/recipes"
	"github.com/moby/buildkit/frontend/gateway/grpcclient"
	"github.com/moby/buildkit/util/appcontext"
)

func main() {
	ctx := appcontext.Context()
	if err := run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "cairn-frontend: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	if os.Getenv("BUILDKIT_SESSION_ID") == "" {
		return fmt.Errorf("this is a BuildKit gateway frontend: run it through BuildKit (buildctl build --frontend gateway.v0 --opt source=IMAGE), see docs/ci.md")
	}
	return grpcclient.RunFromEnvironment(ctx, gateway.Frontend(gateway.Config{Library: recipes.FS}))
}
