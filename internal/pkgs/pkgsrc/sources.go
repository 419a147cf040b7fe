package pkgsrc

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/internal/suggest"
)

// sourceAnswer is one answered source request, kept for the lockfile.
type sourceAnswer struct {
	targets map[string]bool
	sp      pkgs.SourcePackage
	repos   []lock.Repo
}

// ResolveSource answers a source request: from cairn.lock when it holds
// the request, else from the repositories' Sources indexes (verified
// through their signed Release, as Packages indexes are). The highest
// version wins; a repository listed earlier wins a tie.
func (s *Source) ResolveSource(ctx context.Context, req pkgs.SourceRequest) (*pkgs.SourcePackage, error) {
	key := req.Key()
	if !s.cfg.Fresh && !s.updatesName(req.Name) {
		if sp, ok := s.cfg.Lock.LookupSource(key); ok {
			sp.URL = s.sourceURL(req, sp)
			var repos []lock.Repo
			if s.cfg.Lock != nil {
				repos = s.lockRepos(pkgs.Request{Repos: req.Repos})
			}
			return s.rememberSource(req.Target, key, sp, repos), nil
		}
	}
	if s.cfg.Locked {
		return nil, fmt.Errorf("cairn.lock does not cover source package %s; run `cairn lock` and commit cairn.lock, or build without --locked", describeSource(req))
	}
	var best *pkgs.SourcePackage
	var names []string
	var repos []lock.Repo
	for _, spec := range req.Repos {
		idx, err := s.sourceIndex(ctx, spec)
		if err != nil {
			return nil, err
		}
		repos = append(repos, idx.lock)
		for _, sp := range idx.sources {
			names = append(names, sp.Name)
			if sp.Name != req.Name || (req.Version != "" && sp.Version != req.Version) {
				continue
			}
			if best == nil || deb.CompareVersions(sp.Version, best.Version) > 0 {
				best = sp
			}
		}
	}
	if best == nil {
		return nil, errNoSource(req, names)
	}
	sp := *best
	sp.URL = s.sourceURL(req, sp)
	return s.rememberSource(req.Target, key, sp, repos), nil
}

// ResolveTree answers what a source tree at a pinned commit says of
// itself: from cairn.lock's sources table when it holds the request, else
// (unless --locked) by read.
func (s *Source) ResolveTree(ctx context.Context, req pkgs.TreeRequest, read func(context.Context) (*pkgs.SourcePackage, error)) (*pkgs.SourcePackage, error) {
	key := req.Key()
	s.mu.Lock()
	a := s.sources[key]
	s.mu.Unlock()
	if a != nil { // read once per Source
		return s.rememberSource(req.Target, key, a.sp, nil), nil
	}
	if !s.cfg.Fresh {
		if sp, ok := s.cfg.Lock.LookupSource(key); ok {
			return s.rememberSource(req.Target, key, sp, nil), nil
		}
	}
	if s.cfg.Locked {
		return nil, fmt.Errorf("cairn.lock does not cover the source tree %s at %s; run `cairn lock` and commit cairn.lock, or build without --locked", req.URL, req.Commit)
	}
	sp, err := read(ctx)
	if err != nil {
		return nil, err
	}
	return s.rememberSource(req.Target, key, *sp, nil), nil
}

func (s *Source) updatesName(name string) bool {
	for _, u := range s.cfg.Update {
		if u == name {
			return true
		}
	}
	return false
}

func (s *Source) rememberSource(target, key string, sp pkgs.SourcePackage, repos []lock.Repo) *pkgs.SourcePackage {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.sources[key]
	if a == nil {
		a = &sourceAnswer{targets: map[string]bool{}, sp: sp, repos: repos}
		s.sources[key] = a
	}
	if target != "" {
		a.targets[target] = true
	}
	out := a.sp
	return &out
}

// sourceURL is the directory a source package's files are fetched from on
// this machine; empty when no mirror is configured.
func (s *Source) sourceURL(req pkgs.SourceRequest, sp pkgs.SourcePackage) string {
	for _, spec := range req.Repos {
		if spec.Name == sp.Repo && spec.Suite == sp.Suite {
			m, err := s.mirror(spec)
			if err != nil {
				return ""
			}
			return m + "/" + sp.Directory
		}
	}
	return ""
}

// sourceIndex fetches, verifies and parses one repository's Sources
// indexes, once per Source.
func (s *Source) sourceIndex(ctx context.Context, spec pkgs.RepoSpec) (*repoIndex, error) {
	mirror, err := s.mirror(spec)
	if err != nil {
		return nil, err
	}
	key := "sources " + indexKey(spec, mirror, debrepo.SourceArch)
	return s.indexOnce(key, func() (*repoIndex, error) {
		return s.fetchParsed(ctx, spec, mirror, debrepo.SourceArch, func(out *repoIndex, data []byte, display string) error {
			srcs, err := deb.ParseSources(bytes.NewReader(data), display)
			for _, sp := range srcs {
				sp.Repo, sp.Suite = spec.Name, spec.Suite
			}
			out.sources = append(out.sources, srcs...)
			return err
		})
	})
}

// sourceEntries renders the source answers for the lockfile.
func (s *Source) sourceEntries(f *lock.File, repoSeen map[string]bool) {
	keys := make([]string, 0, len(s.sources))
	for k := range s.sources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := s.sources[k]
		e := lock.Source{Key: k, Targets: []string{}, SourcePackage: a.sp}
		for t := range a.targets {
			e.Targets = append(e.Targets, t)
		}
		f.Sources = append(f.Sources, e)
		for _, r := range a.repos {
			if id := r.Name + " " + r.Suite + " " + r.Snapshot; !repoSeen[id] {
				repoSeen[id] = true
				f.Repos = append(f.Repos, r)
			}
		}
	}
}

func describeSource(req pkgs.SourceRequest) string {
	if req.Version != "" {
		return req.Name + "=" + req.Version
	}
	return req.Name
}

// errNoSource reports a source package no repository lists.
func errNoSource(req pkgs.SourceRequest, names []string) error {
	where := ""
	for i, spec := range req.Repos {
		if i > 0 {
			where += ", "
		}
		where += spec.Name + " " + spec.Suite
	}
	msg := fmt.Sprintf("no source package %s in %s", describeSource(req), where)
	if req.Version == "" {
		if s := suggest.One(req.Name, names); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
	} else {
		msg += fmt.Sprintf("; drop the version to take the newest, or run `cairn lock --update %s`", req.Name)
	}
	return fmt.Errorf("%s", msg)
}
