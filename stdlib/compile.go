package stdlib

import (
	"context"
	"time"

	"github.com/cairn-build/cairn/internal/attest"
	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"go.starlark.net/syntax"
)

// Compiler lowers artifacts to LLB for one target platform. It is not safe for
// concurrent use; make one per (recipe, platform).
type Compiler struct {
	platform  ocispecs.Platform
	helper    Helper
	epoch     epoch.Epoch
	localName string
	sources   func(filename string) ([]byte, bool)
	maps      map[string]*llb.SourceMap
	memo      map[node]llb.State
	// helperRoot is the helper's root filesystem, once built.
	helperRoot *llb.State
	packages   pkgs.Source
	ctx        context.Context
	target     string
	opts       CompileOptions
	shared     *shared
	recipe     *Recipe
}

// shared is what a compiler and its per-platform children have in common:
// package layers (an Architecture: all package is one layer for every
// platform) and the package sets resolved so far.
type shared struct {
	layers   map[string]llb.State
	groups   map[string][]llb.State
	sets     map[setKey]*pkgs.Set
	children map[string]*Compiler
	// tools is the root filesystem image tools run in (see toolsRoot);
	// sourceTools the one dpkg-source runs in (see sourceToolsRoot).
	tools, sourceTools *rootfsNode
	// images says a file system or disk image step was compiled: the
	// output may hold sparse files worth packing (see packSparse).
	images bool
	// built and sources feed the bill (see Bill).
	built   []attest.Built
	sources []attest.Source
	// warnings is what compiling found doubtful (see Warnings).
	warnings []Warning
}

// CompileOptions configures a Compiler. The front doors fill it once, as
// part of frontends.Options, which embeds it; frontends.Definition sets
// Platform, Helper and Context for each platform it compiles.
type CompileOptions struct {
	// Platform is the default platform of exec steps (run() may override).
	Platform ocispecs.Platform
	// Helper is the in-graph helper binary matching the engine's native
	// platform.
	Helper Helper
	// Epoch is SOURCE_DATE_EPOCH: every timestamp cairn writes.
	Epoch epoch.Epoch
	// LocalName names the BuildKit local source holding the project
	// directory; DefaultLocalName when empty.
	LocalName string
	// Packages answers rootfs() requests (lockfile, repositories); nil
	// makes rootfs() an error.
	Packages pkgs.Source
	// Context bounds package resolution; context.Background() when nil.
	Context context.Context
	// Target names the target being compiled, for messages and the lock.
	Target string
	// Git pins git() refs to commits (lockfile, remote); nil makes a
	// git() with a ref an error.
	Git gitsrc.Resolver
	// Contexts are the named contexts context(NAME) reads; a name missing
	// here is an error when a target reading it is compiled.
	Contexts map[string]llb.State
	// AnyContext compiles a context(NAME) missing from Contexts to
	// ContextLocal(NAME) instead, for callers that compile without solving
	// and do not care what the context holds (cairn lock).
	AnyContext bool
	// SignerIdentity returns the public identity (an OpenPGP key's
	// fingerprint) of the key a signing step is given as the named
	// secret, so the step is keyed by it: a new key signs again, the same
	// key is not asked twice. The CLI reads its --secret sources for it;
	// nil (the gateway, which never sees secret values) keys signing
	// steps by the secret's name alone (docs/signing.md).
	SignerIdentity func(secretID string) (string, error)
	// PackSparse ends the graph of a target that makes file system or
	// disk images with a step that packs its large sparse files
	// (request.Pack), so a stream without holes carries their data
	// alone. Only a client that unpacks NAME.cairn-sparse sets it: the
	// CLI, for its own export. A gateway build never does.
	PackSparse bool
}

// DefaultLocalName is the session local that serves the project directory,
// named as BuildKit's Dockerfile frontend names its build context.
const DefaultLocalName = "context"

// NewCompiler returns a Compiler for the recipe's artifacts.
func (r *Recipe) NewCompiler(opts CompileOptions) *Compiler {
	if opts.LocalName == "" {
		opts.LocalName = DefaultLocalName
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	sh := &shared{layers: map[string]llb.State{}, groups: map[string][]llb.State{}, sets: map[setKey]*pkgs.Set{}, children: map[string]*Compiler{}}
	return r.newCompiler(opts, sh)
}

func (r *Recipe) newCompiler(opts CompileOptions, sh *shared) *Compiler {
	return &Compiler{
		platform:  opts.Platform,
		helper:    opts.Helper,
		epoch:     opts.Epoch,
		localName: opts.LocalName,
		sources:   r.sources,
		maps:      map[string]*llb.SourceMap{},
		memo:      map[node]llb.State{},
		packages:  opts.Packages,
		ctx:       opts.Context,
		target:    opts.Target,
		opts:      opts,
		shared:    sh,
		recipe:    r,
	}
}

// forPlatform is a compiler for another target platform sharing this one's
// package layers, so oci_image() can build one image per platform.
func (c *Compiler) forPlatform(p ocispecs.Platform) *Compiler {
	key := platforms.Format(p)
	if key == platforms.Format(c.platform) {
		return c
	}
	if child, ok := c.shared.children[key]; ok {
		return child
	}
	opts := c.opts
	opts.Platform = p
	child := c.recipe.newCompiler(opts, c.shared)
	child.helperRoot = c.helperRoot
	c.shared.children[key] = child
	return child
}

// epochTime is SOURCE_DATE_EPOCH as a time.
func (c *Compiler) epochTime() time.Time { return c.epoch.Time() }

// State compiles an artifact, reusing the state of nodes compiled before.
func (c *Compiler) State(a *Artifact) (llb.State, error) {
	if st, ok := c.memo[a.node]; ok {
		return st, nil
	}
	st, err := a.node.compile(c)
	if err != nil {
		return llb.State{}, err
	}
	c.memo[a.node] = st
	return st, nil
}

// Marshal compiles an artifact and marshals it with the compiler's platform.
func (c *Compiler) Marshal(ctx context.Context, a *Artifact) (*llb.Definition, error) {
	st, err := c.State(a)
	if err != nil {
		return nil, err
	}
	if c.opts.PackSparse && c.shared.images {
		if st, err = c.packSparse(st, a.node.pos()); err != nil {
			return nil, err
		}
	}
	return st.Marshal(ctx, llb.Platform(c.platform), llb.LocalUniqueID(localUniqueID))
}

// localUniqueID replaces BuildKit's random per-process local source ID, which
// would make every marshalled graph different. Content, not this ID, decides
// what the engine caches.
const localUniqueID = "cairn"

// loc attaches a recipe position to an op as a source-map location, so
// BuildKit errors show the .star line. Source maps do not change cache keys.
func (c *Compiler) loc(p syntax.Position) llb.ConstraintsOpt {
	sm := c.sourceMap(p.Filename())
	line, col := int32(p.Line), int32(p.Col)
	return sm.Location([]*pb.Range{{
		Start: &pb.Position{Line: line, Character: col},
		End:   &pb.Position{Line: line, Character: col},
	}})
}

func (c *Compiler) sourceMap(filename string) *llb.SourceMap {
	if sm, ok := c.maps[filename]; ok {
		return sm
	}
	var sm *llb.SourceMap
	if data, ok := c.sources(filename); ok {
		sm = llb.NewSourceMap(nil, filename, "Starlark", data)
	}
	c.maps[filename] = sm
	return sm
}

// created is the timestamp for files cairn creates or copies.
func (c *Compiler) created() llb.CreatedTime {
	return llb.WithCreatedTime(c.epochTime())
}

// rootOwner makes copied files owned by 0:0 whoever owns them on the host.
func rootOwner() *llb.ChownOpt {
	return &llb.ChownOpt{User: &llb.UserOpt{UID: 0}, Group: &llb.UserOpt{UID: 0}}
}
