package frontends

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cairn-build/cairn/internal/attest"
	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/host/helperbin"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	commonexptypes "github.com/moby/buildkit/exporter/exptypes"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
)

// Request is one target of an evaluated recipe to build: the build's
// Options (the target among them, see stdlib.CompileOptions.Target) and
// what the door adds to them.
type Request struct {
	Options
	Recipe *stdlib.Recipe
	// Helper returns the helper binary for an architecture; nil uses the
	// binaries embedded in this cairn.
	Helper func(arch string) []byte
	// HelperLocal names the session local serving the helpers (see
	// stdlib.Helper): the constant HelperLocal when building; empty (cairn
	// graph, cairn lock) inlines the helper into the LLB.
	HelperLocal string
	// Rewrite, when set, replaces each compiled definition before it is
	// solved: the gateway frontend, which has no session directory to
	// serve the helper from, swaps the helper's local for an inline file
	// (see frontends/gateway).
	Rewrite func(ctx context.Context, def *llb.Definition, h stdlib.Helper) (*llb.Definition, error)
	// Observe, when set, sees each definition before it is solved (the CLI
	// uses it to tell exec steps from the rest in progress reports).
	Observe func(*llb.Definition)
	// Bill, when set, gets what each platform's graph reads (packages,
	// git commits, http files, what it builds), for the SBOM and the
	// provenance the CLI writes beside the output.
	Bill func(ocispecs.Platform, *attest.Bill)
	// OnFail, when set, sees a failed solve while its session still holds
	// the failed step's mounts (the CLI's --debug-on-fail opens a shell
	// there); it returns the error the build ends with.
	OnFail func(ctx context.Context, c gateway.Client, err error) error
	// Sign, when set, asks not for the target but for its statements
	// signed (stdlib.Compiler.SignStatements): one platform, the
	// engine's, whatever Platforms says.
	Sign *SignRequest
}

// SignRequest is a target's in-toto statements, in order, and the name
// of the file of envelopes.
type SignRequest struct {
	Statements []stdlib.Statement
	Out        string
}

// HelperLocal is the session local the CLI serves cairn's helper binaries
// from. The gateway frontend compiles the same graph and inlines the
// helper in place of that local.
const HelperLocal = "cairn-helper"

// Build returns the BuildKit build function for req. The result has one ref,
// or one per platform (with the exporter's platform metadata) when several
// are requested.
func Build(req Request) gateway.BuildFunc {
	return func(ctx context.Context, c gateway.Client) (*gateway.Result, error) {
		native := nativePlatform(c)
		plats := req.Platforms
		if len(plats) == 0 || req.Sign != nil {
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
		return result(plats, refs, req.Epoch)
	}
}

func solve(ctx context.Context, c gateway.Client, req Request, p, native ocispecs.Platform) (gateway.Reference, error) {
	def, bill, warnings, err := compile(ctx, req, p, native)
	if err != nil {
		return nil, err
	}
	warn(ctx, c, req.Recipe, def, warnings)
	if req.Bill != nil {
		req.Bill(p, bill)
	}
	if req.Observe != nil {
		req.Observe(def)
	}
	if req.NoCache {
		ignoreCache(def)
	}
	res, err := c.Solve(ctx, gateway.SolveRequest{Definition: def.ToPB(), Evaluate: true, CacheImports: req.CacheImports})
	if err != nil {
		err = explainMissing(ctx, c, def, err)
	}
	if err != nil && req.OnFail != nil {
		return nil, req.OnFail(ctx, c, err)
	}
	if err != nil {
		return nil, err
	}
	return res.SingleRef()
}

// Definition compiles the requested target for one platform, with the helper
// native to helperPlatform. It needs no engine (`cairn graph`).
func Definition(ctx context.Context, req Request, p, helperPlatform ocispecs.Platform) (*llb.Definition, error) {
	def, _, _, err := compile(ctx, req, p, helperPlatform)
	return def, err
}

// compile is Definition with the bill of what the graph reads and the
// warnings compiling gave.
func compile(ctx context.Context, req Request, p, helperPlatform ocispecs.Platform) (*llb.Definition, *attest.Bill, []stdlib.Warning, error) {
	t, err := FindTarget(req.Recipe, req.Target)
	if err != nil {
		return nil, nil, nil, err
	}
	h := req.helper(helperPlatform)
	opts := req.CompileOptions
	opts.Platform, opts.Helper, opts.Context = p, h, ctx
	c := req.Recipe.NewCompiler(opts)
	var def *llb.Definition
	if req.Sign != nil {
		def, err = c.SignStatements(ctx, t, req.Sign.Statements, req.Sign.Out)
	} else {
		def, err = c.Marshal(ctx, t.Artifact)
	}
	if err == nil && req.Rewrite != nil {
		def, err = req.Rewrite(ctx, def, h)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return def, c.Bill(), c.Warnings(), nil
}

// warn gives BuildKit what compiling found doubtful, as warnings on the
// graph's last step with the recipe line: the CLI prints them after the
// build, buildctl with the line's text.
func warn(ctx context.Context, c gateway.Client, r *stdlib.Recipe, def *llb.Definition, ws []stdlib.Warning) {
	if len(def.Def) == 0 {
		return
	}
	last := digest.FromBytes(def.Def[len(def.Def)-1])
	for _, w := range ws {
		data, _ := r.Source(w.Pos.Filename())
		pos := &pb.Position{Line: w.Pos.Line, Character: w.Pos.Col}
		_ = c.Warn(ctx, last, w.String(), gateway.WarnOpts{
			Level:      1,
			SourceInfo: &pb.SourceInfo{Filename: w.Pos.Filename(), Data: data, Language: "Starlark"},
			Range:      []*pb.Range{{Start: pos, End: pos}},
		}) // a warning the engine cannot take is not worth failing the build
	}
}

// ignoreCache marks every op of def to run again. Op metadata is not part
// of the ops' digests, so the graph stays the same.
func ignoreCache(def *llb.Definition) {
	for _, dt := range def.Def {
		d := digest.FromBytes(dt)
		m := def.Metadata[d]
		m.IgnoreCache = true
		def.Metadata[d] = m
	}
}

// result also hands the exporters SOURCE_DATE_EPOCH, so whoever asked for
// the build (the CLI, buildctl) gets files stamped with it.
func result(plats []ocispecs.Platform, refs []gateway.Reference, ep epoch.Epoch) (*gateway.Result, error) {
	res := gateway.NewResult()
	res.AddMeta(commonexptypes.ExporterEpochKey, []byte(ep.String()))
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

// NativePlatform is the engine's own platform: its first worker's first.
func NativePlatform(c gateway.Client) ocispecs.Platform { return nativePlatform(c) }

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
