package gateway

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/host/libsrc"
	"github.com/moby/buildkit/client/llb"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	digest "github.com/opencontainers/go-digest"
)

// engineLibraries fetches the libraries a recipe loads through the
// engine, into its cache, as the graph's git() and http() sources are: the
// frontend has no network of its own and no home to keep them in. Git
// refs come from cairn.lock only, as every git() ref here does.
type engineLibraries struct {
	c   gwclient.Client
	git gitsrc.Resolver
}

func (l *engineLibraries) GitLibrary(ctx context.Context, req gitsrc.Request) (fs.FS, error) {
	commit := req.Commit
	if req.Ref != "" || commit == "" {
		pin, err := l.git.Resolve(ctx, req)
		if err != nil {
			return nil, err
		}
		commit = pin.Commit
	}
	ref, err := solveState(ctx, l.c, llb.Git(req.URL, commit, llb.WithCustomName("[cairn] library "+req.URL)))
	if err != nil {
		return nil, fmt.Errorf("fetching %s at %s: %w", req.URL, commit[:12], err)
	}
	// Read as the project is: a file at a time, only those loaded.
	return &refFS{ctx: ctx, ref: ref}, nil
}

func (l *engineLibraries) HTTPLibrary(ctx context.Context, url, sum string) (fs.FS, error) {
	const name = "library.tar"
	ref, err := solveState(ctx, l.c, llb.HTTP(url, llb.Checksum(digest.Digest(sum)), llb.Filename(name), llb.WithCustomName("[cairn] library "+url)))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	data, err := ref.ReadFile(ctx, gwclient.ReadRequest{Filename: name})
	if err != nil {
		return nil, err
	}
	return libsrc.ReadArchive(data, url)
}

func (l *engineLibraries) LocalLibrary(dir string) (fs.FS, error) {
	return nil, fmt.Errorf("path %q: a library on disk is read by the cairn CLI only; the frontend sees the project's context and nothing beside it: declare the library with git or http", dir)
}
