package frontends

import (
	"context"
	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"io/fs"

	"github.com/cairn-build/cairn/stdlib"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"go.starlark.net/starlark"
)

// HelperLocal is the session local the CLI serves cairn's helper binaries
// from. The frontend compiles the same graph and inlines the helper in
// place of that local (see inlinehelper.go).
const HelperLocal = "cairn-helper"

// FrontendConfig is what cmd/cairn-frontend gives the frontend.
type FrontendConfig struct {
	// Library is the bundled recipe library (@cairn//).
	Library fs.FS
	// Helper returns the helper binary for an architecture; nil uses the
	// binaries embedded in this binary, as the CLI does.
	Helper func(arch string) []byte
}

// Frontend returns the build function cmd/cairn-frontend serves through
// BuildKit's gateway: it reads the recipe and project from the client's
// locals, evaluates it, and runs Build, the function `cairn build` runs
// in-process, on the same graph.
func Frontend(cfg FrontendConfig) gateway.BuildFunc {
	return func(ctx context.Context, c gateway.Client) (*gateway.Result, error) {
		o, err := parseGatewayOptions(c.BuildOpts().Opts)
		if err != nil {
			return nil, err
		}
		p, err := readGatewayProject(ctx, c, o)
		if err != nil {
			return nil, err
		}
		read := sourceReader(p.fsys, cfg.Library)
		req, err := p.request(ctx, o, cfg)
		if err != nil {
			return nil, withSource(err, read)
		}
		if req.Contexts, err = o.contextStates(c.BuildOpts().SessionID); err != nil {
			return nil, err
		}
		res, err := Build(req)(ctx, c)
		return res, withSource(err, read)
	}
}

// request evaluates the recipe and says what to build.
// The build's cancellation stops the evaluation too.
func (p *gatewayProject) request(ctx context.Context, o *gatewayOptions, cfg FrontendConfig) (Request, error) {
	r, err := stdlib.Evaluate(stdlib.Options{
		Project:    p.fsys,
		File:       p.file,
		Library:    cfg.Library,
		Print:      func(*starlark.Thread, string) {}, // no terminal to print to
		Context:    ctx,
		MaxSteps:   o.maxSteps,
		BudgetHint: "if the recipe is right, raise the budget with --opt " + optMaxSteps + "=N",
	})
	if err != nil {
		return Request{}, err
	}
	target, err := chooseTarget(r, o.target)
	if err != nil {
		return Request{}, err
	}
	return Request{
		Recipe: r, Target: target, Platforms: o.platforms, Epoch: o.epoch,
		Helper: cfg.Helper, HelperLocal: HelperLocal, InlineHelper: true,
		Packages: newLockedPackages(p.lock, o.mirrors), NoCache: o.noCache,
		// git() refs come from cairn.lock only: the frontend has no
		// credentials and must not depend on a remote's current state.
		Git: gitsrc.New(gitsrc.Config{Lock: p.lock, Locked: true}),
	}, nil
}

// chooseTarget is the target opt, or the recipe's only target.
func chooseTarget(r *stdlib.Recipe, name string) (string, error) {
	ts := r.Targets()
	if name == "" && len(ts) == 1 {
		return ts[0].Name, nil
	}
	if name == "" && len(ts) > 1 {
		names := make([]string, len(ts))
		for i, t := range ts {
			names[i] = t.Name
		}
		return "", errNoTargetOpt(r.File, names)
	}
	_, err := FindTarget(r, name)
	return name, err
}
