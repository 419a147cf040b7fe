package frontends

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cairn-build/cairn/internal/helperbin"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
)

// Request is one target of an evaluated recipe to build.
type Request struct {
	Recipe *stdlib.Recipe
	Target string
	// Platforms to build for; empty means the engine's native platform.
	Platforms []ocispecs.Platform
	// Epoch is SOURCE_DATE_EPOCH.
	Epoch int64
	// Helper returns the helper binary for an architecture; nil uses the
	// binaries embedded in this cairn.
	Helper func(arch string) []byte
	// HelperLocal names a session local serving the helpers (see
	// stdlib.Helper); empty inlines the helper into the LLB.
	HelperLocal string
	// Observe, when set, sees each definition before it is solved (the CLI
	// uses it to tell exec steps from the rest in progress reports).
	Observe func(*llb.Definition)
	// Packages answers the recipe's rootfs() requests; nil makes them
	// errors.
	Packages pkgs.Source
}

// Build returns the BuildKit build function for req. The result has one ref,
// or one per platform (with the exporter's platform metadata) when several
// are requested.
func Build(req Request) gateway.BuildFunc {
	return func(ctx context.Context, c gateway.Client) (*gateway.Result, error) {
		native := nativePlatform(c)
		plats := req.Platforms
		if len(plats) == 0 {
			plats = []ocispecs.Platform{native}
		}
		refs := make([]gateway.Reference, len(plats))
		eg, ctx := errgroup.WithContext(ctx)
		for i, p := range plats {
			eg.Go(func() (err error) {
				refs[i], err = solve(ctx, c, req, p, native)
				return err
			})
		}
		if err := eg.Wait(); err != nil {
			return nil, err
		}
		return result(plats, refs)
	}
}

func solve(ctx context.Context, c gateway.Client, req Request, p, native ocispecs.Platform) (gateway.Reference, error) {
	def, err := Definition(ctx, req, p, native)
	if err != nil {
		return nil, err
	}
	if req.Observe != nil {
		req.Observe(def)
	}
	res, err := c.Solve(ctx, gateway.SolveRequest{Definition: def.ToPB(), Evaluate: true})
	if err != nil {
		return nil, err
	}
	return res.SingleRef()
}

// Definition compiles the requested target for one platform, with the helper
// native to helperPlatform. It needs no engine (`cairn graph`).
func Definition(ctx context.Context, req Request, p, helperPlatform ocispecs.Platform) (*llb.Definition, error) {
	t, err := FindTarget(req.Recipe, req.Target)
	if err != nil {
		return nil, err
	}
	comp := req.Recipe.NewCompiler(stdlib.CompileOptions{
		Platform: p,
		Epoch:    req.Epoch,
		Helper:   req.helper(helperPlatform),
		Packages: req.Packages,
		Context:  ctx,
		Target:   req.Target,
	})
	return comp.Marshal(ctx, t.Artifact)
}

func result(plats []ocispecs.Platform, refs []gateway.Reference) (*gateway.Result, error) {
	res := gateway.NewResult()
	if len(plats) == 1 {
		res.SetRef(refs[0])
		return res, nil
	}
	var meta exptypes.Platforms
	for i, p := range plats {
		id := platforms.Format(p)
		res.AddRef(id, refs[i])
		meta.Platforms = append(meta.Platforms, exptypes.Platform{ID: id, Platform: p})
	}
	dt, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("encoding platform metadata: %w", err)
	}
	res.AddMeta(exptypes.ExporterPlatformsKey, dt)
	return res, nil
}

// nativePlatform is the engine's own platform: its first worker's first.
func nativePlatform(c gateway.Client) ocispecs.Platform {
	if ws := c.BuildOpts().Workers; len(ws) > 0 && len(ws[0].Platforms) > 0 {
		return platforms.Normalize(ws[0].Platforms[0])
	}
	return platforms.Normalize(platforms.DefaultSpec())
}

func (req Request) helper(p ocispecs.Platform) stdlib.Helper {
	h := stdlib.Helper{Platform: p, Local: req.HelperLocal}
	if req.Helper != nil {
		h.Binary = req.Helper(p.Architecture)
		return h
	}
	h.Binary, h.Digest = helperbin.For(p.Architecture), helperbin.Digest(p.Architecture)
	return h
}
