package resolve

import (
	"github.com/cairn-build/cairn/internal/pkgs"
)

// solver is the state of one resolution attempt: apt's marks, with a
// journal so that a failed attempt at a solution can be undone.
type solver struct {
	u          *Universe
	recommends bool
	// override replaces the candidate of names requested as name=version.
	override map[string]*pkgs.Package
	// dropped holds names whose candidate cannot be installed at all (a
	// Pre-Depends or Depends without any candidate) and why.
	dropped map[string]error
	// banned holds the choices earlier attempts failed with, and how.
	banned map[choice]error

	sel    map[string]*pkgs.Package   // selected, by name
	prov   map[string][]*pkgs.Package // provided name -> selected providers
	negs   map[string][]*pkgs.Package // name -> selected packages that conflict with or break it
	parent map[string]string          // name -> the package that pulled it; "" for seeds
	chosen map[string]choice          // name -> the choice among several solutions that selected it
	// journal lists selected names in order, for undo and the result.
	journal []string
	// blocked is the choice that selected the first package a later
	// solution conflicted with; banning it is the next attempt.
	blocked   *choice
	blockedBy error
}

// choice identifies one decision: which solution a clause of a package got.
type choice struct {
	owner  string
	clause int
	pick   string
}

// newSolver prepares an attempt with the given banned choices.
func newSolver(u *Universe, recommends bool, override map[string]*pkgs.Package, banned map[choice]error) *solver {
	return &solver{
		u:          u,
		recommends: recommends,
		override:   override,
		banned:     banned,
		dropped:    map[string]error{},
		sel:        map[string]*pkgs.Package{},
		prov:       map[string][]*pkgs.Package{},
		negs:       map[string][]*pkgs.Package{},
		parent:     map[string]string{},
		chosen:     map[string]choice{},
	}
}

// candidate is the package that would be installed for name, nil if none
// or if it was dropped.
func (s *solver) candidate(name string) *pkgs.Package {
	if s.dropped[name] != nil {
		return nil
	}
	return s.rawCandidate(name)
}

// selectPkg marks p as installed, pulled by parent.
func (s *solver) selectPkg(p *pkgs.Package, parent string) {
	s.sel[p.Name] = p
	s.parent[p.Name] = parent
	s.journal = append(s.journal, p.Name)
	for _, name := range providedNames(s.u, p) {
		s.prov[name] = append(s.prov[name], p)
	}
	for _, name := range negativeNames(p) {
		s.negs[name] = append(s.negs[name], p)
	}
}

// undo unselects everything selected after the journal had length n.
// Selections are undone newest first, so each index entry to remove is the
// last of its list.
func (s *solver) undo(n int) {
	for len(s.journal) > n {
		name := s.journal[len(s.journal)-1]
		s.journal = s.journal[:len(s.journal)-1]
		p := s.sel[name]
		for _, v := range providedNames(s.u, p) {
			s.prov[v] = dropLast(s.prov[v])
		}
		for _, v := range negativeNames(p) {
			s.negs[v] = dropLast(s.negs[v])
		}
		delete(s.sel, name)
		delete(s.parent, name)
		delete(s.chosen, name)
	}
}

// dropLast removes the last element of a list, deleting nothing else.
func dropLast(ps []*pkgs.Package) []*pkgs.Package {
	return ps[:len(ps)-1]
}

// providedNames lists the distinct names p provides for the universe's
// architecture.
func providedNames(u *Universe, p *pkgs.Package) []string {
	var out []string
	for _, r := range p.Provides {
		if u.nativeQualifier(r.Arch) && !containsString(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	return out
}

// negativeNames lists the distinct names p's Conflicts and Breaks mention.
func negativeNames(p *pkgs.Package) []string {
	var out []string
	for _, n := range negativeRelations(p) {
		if !containsString(out, n.rel.Name) {
			out = append(out, n.rel.Name)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// chain names the packages from a seed down to name.
func (s *solver) chain(name string) []string {
	var rev []string
	for n := name; n != ""; n = s.parent[n] {
		rev = append(rev, n)
		if len(rev) > len(s.parent)+1 {
			break // cannot happen: parents are selected first
		}
	}
	out := make([]string, len(rev))
	for i, n := range rev {
		out[len(rev)-1-i] = n
	}
	return out
}
