package resolve

import (
	"sort"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// matches reports whether package p, once installed, satisfies relation r:
// by its own name and version, or through one of its Provides.
func (u *Universe) matches(r pkgs.Relation, p *pkgs.Package) bool {
	if !u.archOK(r.Arch, p) {
		return false
	}
	if p.Name == r.Name && u.versionOK(r, p.Version) {
		return true
	}
	return u.provides(p, r)
}

// provides reports whether one of p's Provides satisfies r. An unversioned
// Provides only satisfies an unversioned relation.
func (u *Universe) provides(p *pkgs.Package, r pkgs.Relation) bool {
	for _, v := range p.Provides {
		if v.Name != r.Name || !u.nativeQualifier(v.Arch) {
			continue
		}
		if r.Op == "" || (v.Op == "=" && u.versionOK(r, v.Version)) {
			return true
		}
	}
	return false
}

// versionOK reports whether version v meets r's restriction. A universe
// without a comparison (see Result.universe) accepts every version.
func (u *Universe) versionOK(r pkgs.Relation, v string) bool {
	return u.compare == nil || r.Satisfies(v, u.compare)
}

// archOK applies a relation's architecture qualifier to a package of this
// universe, which is always native or "all". ":any" asks for Multi-Arch:
// allowed, as apt's implicit "name:any" provides do. A foreign
// architecture (a cross build's host-architecture build dependency) is met
// only by a Multi-Arch: foreign package, as apt's implicit provides for
// every architecture do; the foreign package itself is never installed.
func (u *Universe) archOK(qualifier string, p *pkgs.Package) bool {
	switch qualifier {
	case "", "native", u.arch:
		return true
	case "any":
		return p.MultiArch == "allowed"
	}
	return p.MultiArch == "foreign"
}

// foreign reports whether an architecture qualifier names an architecture
// this universe does not hold.
func (u *Universe) foreign(qualifier string) bool {
	return qualifier != "" && qualifier != "any" && qualifier != "native" && qualifier != u.arch
}

// solutions lists the candidates that would satisfy clause c, in the order
// apt tries them: alternative by alternative, each sorted by preference.
func (s *solver) solutions(c pkgs.Alternatives) []*pkgs.Package {
	var out []*pkgs.Package
	seen := map[*pkgs.Package]bool{}
	for _, r := range c {
		for _, p := range s.relationSolutions(r) {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// relationSolutions lists the candidates satisfying one relation, sorted
// like apt's CompareProviders for packages not yet installed.
func (s *solver) relationSolutions(r pkgs.Relation) []*pkgs.Package {
	var out []*pkgs.Package
	if p := s.candidate(r.Name); p != nil && s.u.matches(r, p) {
		out = append(out, p)
	}
	for _, p := range s.u.providers[r.Name] {
		if p.Name != r.Name && s.candidate(p.Name) == p && s.u.matches(r, p) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return s.u.preferred(r, out[i], out[j]) })
	return out
}

// preferred is apt's provider order for a fresh install: the package of the
// relation's own name (apt's "same group"; qualified relations name a group
// of their own), Essential, higher Priority, then the name apt's cache
// met last (see mentions), then name.
func (u *Universe) preferred(r pkgs.Relation, a, b *pkgs.Package) bool {
	if r.Arch == "" && (a.Name == r.Name) != (b.Name == r.Name) {
		return a.Name == r.Name
	}
	if a.Essential != b.Essential {
		return a.Essential
	}
	if pa, pb := priorityRank(a.Priority), priorityRank(b.Priority); pa != pb {
		return pa < pb
	}
	if ma, mb := u.mentionOf(a.Name), u.mentionOf(b.Name); ma != mb {
		return ma > mb
	}
	return a.Name < b.Name
}

// priorityRank maps a Priority to apt's number; lower is preferred. A
// missing field is 0 in apt's cache and so wins; an unknown word is extra.
func priorityRank(p string) int {
	switch p {
	case "":
		return 0
	case "required":
		return 1
	case "important":
		return 2
	case "standard":
		return 3
	case "optional":
		return 4
	}
	return 5
}

// satisfier returns a selected package satisfying r, or nil: the package of
// that name first, then providers in selection order.
func (s *solver) satisfier(r pkgs.Relation) *pkgs.Package {
	if p := s.sel[r.Name]; p != nil && s.u.matches(r, p) {
		return p
	}
	for _, p := range s.prov[r.Name] {
		if s.u.matches(r, p) {
			return p
		}
	}
	return nil
}

// satisfied reports whether the selection already satisfies clause c.
func (s *solver) satisfied(c pkgs.Alternatives) bool {
	for _, r := range c {
		if s.satisfier(r) != nil {
			return true
		}
	}
	return false
}

// installable reports whether some alternative of c has a candidate at all,
// apt's test before it considers a package (DepCVer).
func (s *solver) installable(c pkgs.Alternatives) bool {
	for _, r := range c {
		if len(s.relationSolutions(r)) > 0 {
			return true
		}
	}
	return false
}

// Meets reports whether some candidate of the universe meets one of alt's
// relations, as the resolver's first look at a clause would find (its
// dependencies are not followed).
func (u *Universe) Meets(alt pkgs.Alternatives) bool {
	return len(newSolver(u, false, nil, nil).solutions(alt)) > 0
}
