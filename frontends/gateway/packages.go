package gateway

import (
	"context"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/internal/pkgs/pkgsrc"
)

// lockedPackages answers rootfs() in the frontend: from cairn.lock beside
// the recipe and nothing else. A frontend runs where CI runs, often with
// no view of the archive's metadata and no business fetching it: the lock
// is what makes the build the same everywhere, and it pins every package
// file by SHA-256, so the engine downloads exactly those and no index.
type lockedPackages struct {
	lock *lock.File
	src  *pkgsrc.Source
}

// newLockedPackages answers from lf, fetching package files from mirrors
// (NAME=URL) or the recipe's own repository URLs.
func newLockedPackages(lf *lock.File, mirrors map[string]string) *lockedPackages {
	return &lockedPackages{lock: lf, src: pkgsrc.New(pkgsrc.Config{Lock: lf, Locked: true, Mirrors: mirrors})}
}

// Resolve implements pkgs.Source.
func (s *lockedPackages) Resolve(ctx context.Context, req pkgs.Request) (*pkgs.Set, error) {
	if s.lock == nil {
		return nil, errNoLock
	}
	if _, ok := s.lock.Lookup(req.Key()); !ok {
		return nil, errNotLocked(req)
	}
	set, err := s.src.Resolve(ctx, req)
	if err != nil {
		return nil, err
	}
	built := map[string]bool{}
	for _, spec := range req.Repos {
		built[spec.Name] = spec.Built()
	}
	for _, p := range set.Packages {
		// A package of a repository the recipe builds comes from its tree.
		if p.URL == "" && !built[p.Repo] {
			return nil, errNoMirror(p.Repo)
		}
	}
	return set, nil
}
