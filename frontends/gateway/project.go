package gateway

import (
	"context"
	"fmt"
	"path"

	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/moby/buildkit/client/llb"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
)

// A gateway frontend has no file system of the client's: it sees the
// project only through the session locals the client serves. The recipe
// and its lockfile come from the dockerfile local; everything the recipe
// loads or names with local() from the context local, which is also what
// the compiled graph's local() sources read, exactly as `cairn build`
// serves its project directory.
//
// Evaluating a recipe needs the text of its .star files and the shape of
// the rest (does local("rootfs") exist, is it a file), not the content of
// the files it copies: when the engine can, the context is transferred
// metadata-only, with content for .star files alone, and any other file
// the evaluation reads (a repository keyring) is fetched on its own.

// project is a recipe as the frontend read it.
type project struct {
	// file is the recipe's name inside the project (its base name).
	file   string
	recipe []byte
	lock   *lock.File
	fsys   *overlayFS
}

// starContent is the pattern of files whose content the evaluation
// transfer carries.
const starContent = "**/*.star"

// lockName is the lockfile beside the recipe.
const lockName = "cairn.lock"

// readProject reads the recipe, its lockfile and the context.
func readProject(ctx context.Context, c gwclient.Client, o *options) (*project, error) {
	dir := path.Dir(path.Clean(o.filename))
	lockPath := path.Join(dir, lockName)
	ref, err := solveLocal(ctx, c, DockerfileLocal, "[cairn] read recipe "+o.filename,
		llb.FollowPaths([]string{o.filename, lockPath}), llb.SharedKeyHint("cairn-recipe"))
	if err != nil {
		return nil, fmt.Errorf("reading the dockerfile local: %w", err)
	}
	names, err := dirNames(ctx, ref, dir)
	if err != nil || !names[path.Base(o.filename)] {
		return nil, errRecipeMissing(o.filename)
	}
	p := &project{file: path.Base(o.filename)}
	if p.recipe, err = ref.ReadFile(ctx, gwclient.ReadRequest{Filename: o.filename}); err != nil {
		return nil, fmt.Errorf("reading %s from the dockerfile local: %w", o.filename, err)
	}
	if names[lockName] {
		if p.lock, err = readLock(ctx, ref, lockPath); err != nil {
			return nil, err
		}
	}
	ctxFS, err := contextFS(ctx, c)
	if err != nil {
		return nil, err
	}
	p.fsys = &overlayFS{base: ctxFS, name: p.file, data: p.recipe}
	return p, nil
}

func readLock(ctx context.Context, ref gwclient.Reference, name string) (*lock.File, error) {
	data, err := ref.ReadFile(ctx, gwclient.ReadRequest{Filename: name})
	if err != nil {
		return nil, fmt.Errorf("reading %s from the dockerfile local: %w", name, err)
	}
	return lock.Parse(name, data)
}

// dirNames lists the entry names of one directory of a reference.
func dirNames(ctx context.Context, ref gwclient.Reference, dir string) (map[string]bool, error) {
	entries, err := ref.ReadDir(ctx, gwclient.ReadDirRequest{Path: dir})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, e := range entries {
		out[path.Base(e.Path)] = true
	}
	return out, nil
}

// contextFS transfers the context local for evaluation.
func contextFS(ctx context.Context, c gwclient.Client) (*refFS, error) {
	caps := c.BuildOpts().LLBCaps
	opts := []llb.LocalOption{llb.SharedKeyHint("cairn-project")}
	metadataOnly := caps.Supports(pb.CapSourceMetadataTransfer) == nil
	if metadataOnly {
		opts = append(opts, llb.MetadataOnlyTransfer([]string{starContent}))
	}
	ref, err := solveLocal(ctx, c, ContextLocal, "[cairn] read project", opts...)
	if err != nil {
		return nil, fmt.Errorf("reading the context local (the project directory): %w", err)
	}
	fsys := &refFS{ctx: ctx, ref: ref}
	if !metadataOnly {
		return fsys, nil
	}
	data, err := ref.ReadFile(ctx, gwclient.ReadRequest{Filename: metadataFile})
	if err != nil {
		return nil, fmt.Errorf("reading the context local's metadata: %w", err)
	}
	if fsys.meta, err = parseMetadata(data); err != nil {
		return nil, fmt.Errorf("reading the context local's metadata: %w", err)
	}
	fsys.fetch = func(name string) (gwclient.Reference, error) {
		return solveLocal(ctx, c, ContextLocal, "[cairn] read "+name,
			llb.FollowPaths([]string{name}), llb.SharedKeyHint("cairn-project-file"))
	}
	return fsys, nil
}

// solveLocal transfers a session local and returns it as a reference.
func solveLocal(ctx context.Context, c gwclient.Client, name, desc string, opts ...llb.LocalOption) (gwclient.Reference, error) {
	opts = append(opts, llb.SessionID(c.BuildOpts().SessionID), llb.WithCustomName(desc))
	return solveState(ctx, c, llb.Local(name, opts...), llb.LocalUniqueID(localUniqueID))
}

// solveState solves st and returns its result as a reference.
func solveState(ctx context.Context, c gwclient.Client, st llb.State, co ...llb.ConstraintsOpt) (gwclient.Reference, error) {
	def, err := st.Marshal(ctx, co...)
	if err != nil {
		return nil, err
	}
	res, err := c.Solve(ctx, gwclient.SolveRequest{Definition: def.ToPB(), Evaluate: true})
	if err != nil {
		return nil, err
	}
	return res.SingleRef()
}

// localUniqueID replaces BuildKit's random per-process local ID, as the
// compiler does (see stdlib).
const localUniqueID = "cairn"
