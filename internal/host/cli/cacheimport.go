package cli

import (
	"context"

	"github.com/cairn-build/cairn/frontends"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
)

// In a build driven by a build function (the way cairn solves), the engine
// exports the cache by itself, but imports only what each solve request
// asks for: the client hands --cache-from to the build function as the
// "cache-imports" option (with what it found in local caches), and it is
// the function's job to pass them on, as BuildKit's Dockerfile frontend
// does. frontends.Build passes Options.CacheImports to every solve; the
// CLI fills them inside the build function, where the client's option is,
// with the parser the gateway frontend uses for the same option.

// buildImporting is frontends.Build for req, importing the build's caches.
func buildImporting(req frontends.Request) gateway.BuildFunc {
	return func(ctx context.Context, c gateway.Client) (*gateway.Result, error) {
		imports, err := frontends.ParseCacheImports(c.BuildOpts().Opts)
		if err != nil {
			return nil, err
		}
		req.CacheImports = imports
		return frontends.Build(req)(ctx, c)
	}
}
