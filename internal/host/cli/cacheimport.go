package cli

import (
	"context"
	"encoding/json"
	"fmt"

	controlapi "github.com/moby/buildkit/api/services/control"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
)

// In a build driven by a build function (the way cairn solves), the engine
// exports the cache by itself, but imports only what each solve request
// asks for: the client hands --cache-from to the build function as the
// "cache-imports" option, and it is the function's job to pass them on,
// as BuildKit's Dockerfile frontend does. importCaches does that for every
// solve frontends.Build makes.

// cacheImportsOpt is the build option holding the imports, as JSON.
const cacheImportsOpt = "cache-imports"

// importCaches wraps build so that its solves import the build's caches.
func importCaches(build gateway.BuildFunc) gateway.BuildFunc {
	return func(ctx context.Context, c gateway.Client) (*gateway.Result, error) {
		imports, err := cacheImports(c.BuildOpts().Opts)
		if err != nil || len(imports) == 0 {
			return build(ctx, c)
		}
		return build(ctx, importingClient{Client: c, imports: imports})
	}
}

// cacheImports decodes the "cache-imports" option.
func cacheImports(opts map[string]string) ([]gateway.CacheOptionsEntry, error) {
	s := opts[cacheImportsOpt]
	if s == "" {
		return nil, nil
	}
	var entries []*controlapi.CacheOptionsEntry
	if err := json.Unmarshal([]byte(s), &entries); err != nil {
		return nil, fmt.Errorf("build option %s: %w", cacheImportsOpt, err)
	}
	out := make([]gateway.CacheOptionsEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, gateway.CacheOptionsEntry{Type: e.Type, Attrs: e.Attrs})
	}
	return out, nil
}

// importingClient adds the imports to every solve request without its own.
type importingClient struct {
	gateway.Client
	imports []gateway.CacheOptionsEntry
}

func (c importingClient) Solve(ctx context.Context, req gateway.SolveRequest) (*gateway.Result, error) {
	if len(req.CacheImports) == 0 {
		req.CacheImports = c.imports
	}
	return c.Client.Solve(ctx, req)
}
