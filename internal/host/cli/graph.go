package cli

import (
	"runtime"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func runGraph(e *env) error {
	fs := newFlags("graph", e)
	rf := addRecipeFlags(fs)
	format := fs.String("format", "json", "output `format`: json or dot")
	plat := fs.String("platform", "", "target `platform` (default: this host's)")
	pf := addPackageFlags(fs, &rf.opts, true)
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
	if err := rf.setPlatforms(*plat); err != nil {
		return err
	}
	host := hostPlatform()
	if len(rf.opts.Platforms) == 0 {
		rf.opts.Platforms = []ocispecs.Platform{host}
	}
	rf.libs.locked = pf.locked
	p, err := loadRecipe(e.ctx, rf, e.stderr)
	if err != nil {
		return err
	}
	if err := rf.readEnv(); err != nil {
		return err
	}
	src, lf, err := newSource(p.dir, homeOf(engine.Config{}), rf.opts.Mirrors, pf, sourceOptions{}, e.stderr)
	if err != nil {
		return err
	}
	rf.opts.Target, rf.opts.Contexts = args[0], contexts.states()
	rf.opts.Packages, rf.opts.Git = src, newGitSource(lf, pf.locked, false, nil, e.stderr)
	req := frontends.Request{Options: rf.opts, Recipe: p.recipe}
	def, err := frontends.Definition(e.ctx, req, rf.opts.Platforms[0], host)
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
