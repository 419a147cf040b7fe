package gateway

import (
	"context"
	"fmt"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// ResolveSource implements pkgs.SourceResolver from cairn.lock alone, as
// Resolve does for binary packages.
func (s *lockedPackages) ResolveSource(ctx context.Context, req pkgs.SourceRequest) (*pkgs.SourcePackage, error) {
	if s.lock == nil {
		return nil, errNoLock
	}
	if _, ok := s.lock.LookupSource(req.Key()); !ok {
		return nil, fmt.Errorf("cairn.lock does not cover source package %s; run `cairn lock` beside the recipe and commit cairn.lock", req.Name)
	}
	sp, err := s.src.ResolveSource(ctx, req)
	if err != nil {
		return nil, err
	}
	if sp.URL == "" {
		return nil, errNoMirror(sp.Repo)
	}
	return sp, nil
}

// ResolveTree implements pkgs.TreeResolver from cairn.lock alone.
func (s *lockedPackages) ResolveTree(ctx context.Context, req pkgs.TreeRequest, _ func(context.Context) (*pkgs.SourcePackage, error)) (*pkgs.SourcePackage, error) {
	if s.lock == nil {
		return nil, errNoLock
	}
	if _, ok := s.lock.LookupSource(req.Key()); !ok {
		return nil, fmt.Errorf("cairn.lock does not cover the source tree %s at %s; run `cairn lock` beside the recipe and commit cairn.lock", req.URL, req.Commit)
	}
	return s.src.ResolveTree(ctx, req, nil)
}
