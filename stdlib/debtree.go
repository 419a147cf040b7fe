package stdlib

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// A tree with a debian/ directory is a source package too: its
// debian/control and debian/changelog say the build dependencies, the
// binary packages and the version, exactly what the archive's Sources
// index says of a source package. A project tree (local("pkg")) is read
// while the recipe is evaluated; a git() tree when the target is compiled,
// at the commit its ref is pinned to, on the client (a shallow fetch), and
// what it says is locked in cairn.lock's sources table, so a locked build
// reads nothing.

// readDebianTree reads dir's deb.TreeFiles from the project.
func readDebianTree(fsys fs.FS, dir string) (*pkgs.SourcePackage, error) {
	files := make([][]byte, len(deb.TreeFiles))
	for i, name := range deb.TreeFiles {
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist) && name == "debian/source/format":
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%s has no %s", dir, name)
		case err != nil:
			return nil, fmt.Errorf("%s/%s: %w", dir, name, err)
		}
		files[i] = b
	}
	return deb.SourceFromTree(files[0], files[1], files[2], dir)
}

// resolveGitTree reads (or takes from the lock) what n's git() tree says.
func (c *Compiler) resolveGitTree(n *debPackageNode) (*pkgs.SourcePackage, error) {
	commit, err := c.gitPin(n.git)
	if err != nil {
		return nil, err
	}
	tr, ok := c.packages.(pkgs.TreeResolver)
	if c.packages == nil || !ok {
		return nil, errAt(n.p, "deb_package", errNoPackageSource)
	}
	req := pkgs.TreeRequest{URL: n.git.url, Commit: commit, Target: c.target}
	read := func(ctx context.Context) (*pkgs.SourcePackage, error) {
		fr, ok := c.opts.Git.(gitsrc.FileReader)
		if !ok {
			return nil, errNoGitResolver
		}
		files, err := fr.ReadFiles(ctx, n.git.request(), commit, deb.TreeFiles)
		if err != nil {
			return nil, err
		}
		where := n.git.url + "@" + commit[:12]
		for _, name := range deb.TreeFiles[:2] {
			if files[name] == nil {
				return nil, fmt.Errorf("%s has no %s", where, name)
			}
		}
		return deb.SourceFromTree(files[deb.TreeFiles[0]], files[deb.TreeFiles[1]], files[deb.TreeFiles[2]], where)
	}
	sp, err := tr.ResolveTree(c.ctx, req, read)
	if err != nil {
		return nil, errAt(n.p, "deb_package", err)
	}
	return sp, nil
}
