package pkgsrc

import (
	"slices"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// A lock keeps every package at its version until asked (preferLocked),
// so a repository added to a request, or a newer archive, can offer
// newer versions nobody sees. The source notes them as it reads the
// indexes, and `cairn lock` says so with the command that takes them.

// Newer is a locked package that a request's repositories offer in a
// newer version.
type Newer struct {
	Name, Arch, Locked, Offered string
	// Repo is the repository offering Offered.
	Repo string
}

// noteNewer records, for each locked package in all, the newest version
// all offers above the locked one.
func (s *Source) noteNewer(all []*pkgs.Package, origin map[string]pkgs.RepoSpec) {
	if s.cfg.Lock == nil || s.cfg.Fresh {
		return
	}
	locked := map[string]string{}
	for _, p := range s.cfg.Lock.Packages {
		locked[p.Name+":"+p.Arch] = p.Version
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range all {
		v, ok := locked[p.ID()]
		if !ok || deb.CompareVersions(p.Version, v) <= 0 {
			continue
		}
		if s.newer == nil {
			s.newer = map[string]Newer{}
		}
		if prev, seen := s.newer[p.ID()]; !seen || deb.CompareVersions(p.Version, prev.Offered) > 0 {
			s.newer[p.ID()] = Newer{Name: p.Name, Arch: p.Arch, Locked: v, Offered: p.Version, Repo: origin[p.Repo].Name}
		}
	}
}

// NewerThanLocked lists the locked packages the repositories read offer
// in a newer version, by name and architecture.
func (s *Source) NewerThanLocked() []Newer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Newer, 0, len(s.newer))
	for _, n := range s.newer {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b Newer) int { return strings.Compare(a.Name+":"+a.Arch, b.Name+":"+b.Arch) })
	return out
}
