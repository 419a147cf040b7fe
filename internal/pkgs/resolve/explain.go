package resolve

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// droppedReason returns why a package that would have satisfied c was
// dropped, or nil.
func (s *solver) droppedReason(c pkgs.Alternatives) error {
	for _, r := range c {
		if p := s.rawCandidate(r.Name); p != nil && s.dropped[p.Name] != nil && s.u.matches(r, p) {
			return s.dropped[p.Name]
		}
		for _, p := range s.u.providers[r.Name] {
			if s.dropped[p.Name] != nil && s.rawCandidate(p.Name) == p && s.u.matches(r, p) {
				return s.dropped[p.Name]
			}
		}
	}
	return nil
}

// explain says why nothing satisfies r: the reason, what exists under its
// name, the repositories searched, and the name to suggest others for when
// nothing exists at all.
func (s *solver) explain(r pkgs.Relation) (reason string, cands []string, repo, missing string) {
	versions := s.u.versions[r.Name]
	provs := s.candidateProviders(r.Name)
	for _, p := range versions {
		cands = append(cands, nameVersion(p))
	}
	cands = append(cands, providerList(r.Name, provs)...)
	repo = repoOf(append(append([]*pkgs.Package(nil), versions...), provs...), s.u.repoList())
	cand := s.rawCandidate(r.Name)
	switch {
	case s.u.foreign(r.Arch):
		reason := fmt.Sprintf("architecture %s is not supported (only %s and all)", r.Arch, s.u.arch)
		if cand != nil && cand.MultiArch != "foreign" {
			reason += ", and " + nameVersion(cand) + " is not Multi-Arch: foreign, so it cannot stand in"
		}
		return reason, cands, repo, ""
	case len(versions) == 0 && len(provs) == 0:
		return "no package or provider named " + r.Name, nil, repo, r.Name
	case cand != nil && !s.u.archOK(r.Arch, cand):
		return nameVersion(cand) + " is not Multi-Arch: allowed", cands, repo, ""
	case s.olderSatisfies(r, cand, versions):
		return fmt.Sprintf("only the candidate %s is considered; request %s=VERSION to use another",
			nameVersion(cand), r.Name), cands, repo, ""
	}
	return "not in " + repo, cands, repo, ""
}

// olderSatisfies reports whether a version other than the candidate would
// have satisfied r.
func (s *solver) olderSatisfies(r pkgs.Relation, cand *pkgs.Package, versions []*pkgs.Package) bool {
	for _, p := range versions {
		if p != cand && cand != nil && s.u.matches(r, p) {
			return true
		}
	}
	return false
}

// rawCandidate is the candidate of name, dropped or not.
func (s *solver) rawCandidate(name string) *pkgs.Package {
	if p := s.override[name]; p != nil {
		return p
	}
	return s.u.Candidate(name)
}

// candidateProviders lists the candidates that provide name.
func (s *solver) candidateProviders(name string) []*pkgs.Package {
	var out []*pkgs.Package
	for _, p := range s.u.providers[name] {
		if p.Name != name && s.candidate(p.Name) == p {
			out = append(out, p)
		}
	}
	return out
}

// providerList renders providers of name for a message:
// "mawk=1.3.4 (provides awk)".
func providerList(name string, provs []*pkgs.Package) []string {
	var out []string
	for _, p := range provs {
		what := name
		for _, v := range p.Provides {
			if v.Name == name && v.Op != "" {
				what = v.String()
			}
		}
		out = append(out, fmt.Sprintf("%s (provides %s)", nameVersion(p), what))
	}
	return out
}

// repoOf names the distinct repositories of ps, or def if there are none.
func repoOf(ps []*pkgs.Package, def string) string {
	set := map[string]bool{}
	for _, p := range ps {
		set[p.Repo] = true
	}
	if len(set) == 0 {
		return def
	}
	return strings.Join(sortedKeys(set), ", ")
}
