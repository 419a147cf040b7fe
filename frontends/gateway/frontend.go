package gateway

import (
	"context"
	"io/fs"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	"go.starlark.net/starlark"
)

// Config is what cmd/cairn-frontend gives the frontend.
type Config struct {
	// Library is the bundled recipe library (@cairn//).
	Library fs.FS
	// Helper returns the helper binary for an architecture; nil uses the
	// binaries embedded in this binary, as the CLI does.
	Helper func(arch string) []byte
}

// Frontend returns the build function cmd/cairn-frontend serves through
// BuildKit's gateway: it reads the recipe and project from the client's
// locals, evaluates it, and runs frontends.Build, the function `cairn
// build` runs in-process, on the same graph.
func Frontend(cfg Config) gwclient.BuildFunc {
	return func(ctx context.Context, c gwclient.Client) (*gwclient.Result, error) {
		o, err := parseOptions(c.BuildOpts().Opts)
		if err != nil {
			return nil, err
		}
		p, err := readProject(ctx, c, o)
		if err != nil {
			return nil, err
		}
		read := sourceReader(p.fsys, cfg.Library)
		req, err := p.request(ctx, c, o, cfg)
		if err != nil {
			return nil, withSource(err, read)
		}
		if req.Contexts, err = o.contextStates(c.BuildOpts().SessionID); err != nil {
			return nil, err
		}
		res, err := frontends.Build(req)(ctx, c)
		return res, withSource(err, read)
	}
}

// request evaluates the recipe and says what to build.
// The build's cancellation stops the evaluation too.
func (p *project) request(ctx context.Context, c gwclient.Client, o *options, cfg Config) (frontends.Request, error) {
	// git() refs come from cairn.lock only: the frontend has no
	// credentials and must not depend on a remote's current state.
	git := gitsrc.New(gitsrc.Config{Lock: p.lock, Locked: true})
	r, err := stdlib.Evaluate(stdlib.Options{
		Project:    p.fsys,
		File:       p.file,
		Library:    cfg.Library,
		Libraries:  &engineLibraries{c: c, git: git},
		Print:      func(*starlark.Thread, string) {}, // no terminal to print to
		Context:    ctx,
		MaxSteps:   o.MaxSteps,
		BudgetHint: "if the recipe is right, raise the budget with --opt " + optMaxSteps + "=N",
	})
	if err != nil {
		return frontends.Request{}, err
	}
	req := frontends.Request{Options: o.Options, Recipe: r, Helper: cfg.Helper, HelperLocal: frontends.HelperLocal}
	if req.Target, err = chooseTarget(r, o.Target); err != nil {
		return frontends.Request{}, err
	}
	req.Packages = newLockedPackages(p.lock, o.Mirrors)
	req.Git = git
	// The helper is inlined into the very graph the CLI compiles.
	req.Rewrite = func(ctx context.Context, def *llb.Definition, h stdlib.Helper) (*llb.Definition, error) {
		return inlineHelper(ctx, def, h, o.Epoch)
	}
	return req, nil
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
	_, err := frontends.FindTarget(r, name)
	return name, err
}
