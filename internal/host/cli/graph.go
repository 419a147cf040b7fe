package cli

import (
	"runtime"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func runGraph(e *env) error {
	fs := newFlags("graph", e.stderr)
	rf := addRecipeFlags(fs)
	format := fs.String("format", "json", "output `format`: json or dot")
	plat := fs.String("platform", "", "target `platform` (default: this host's)")
	pf := addPackageFlags(fs, true)
	var contexts contextFlag
	fs.Var(&contexts, "context", "named context `NAME=DIR`, as for cairn build (repeatable)")
	args, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errUsage("usage: cairn graph [-f FILE] TARGET [--format json|dot] [--platform P]")
	}
	if *format != "json" && *format != "dot" {
		return errUsage("cairn graph: --format %q: want json or dot", *format)
	}
	ps, err := parsePlatforms(*plat)
	if err != nil {
		return err
	}
	host := hostPlatform()
	if len(ps) == 0 {
		ps = []ocispecs.Platform{host}
	}
	p, err := loadRecipe(e.ctx, rf, e.stderr)
	if err != nil {
		return err
	}
	ep, err := epoch.FromEnv()
	if err != nil {
		return errUsage("cairn: %s", err)
	}
	src, lf, err := newSource(p.dir, homeOf(engine.Config{}), pf, sourceOptions{}, e.stderr)
	if err != nil {
		return err
	}
	gsrc := newGitSource(lf, pf.locked, false, nil, e.stderr)
	req := frontends.Request{Recipe: p.recipe, Target: args[0], Epoch: ep, Packages: src, Git: gsrc, Contexts: contexts.states()}
	def, err := frontends.Definition(e.ctx, req, ps[0], host)
	if err != nil {
		return err
	}
	if *format == "dot" {
		return llbdump.Dot(e.stdout, def)
	}
	return llbdump.JSON(e.stdout, def)
}

// hostPlatform is this machine's Linux platform: the engine's, for the
// embedded engine.
func hostPlatform() ocispecs.Platform {
	return platforms.Normalize(ocispecs.Platform{OS: "linux", Architecture: runtime.GOARCH})
}
