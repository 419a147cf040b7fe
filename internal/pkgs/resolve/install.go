package resolve

import (
	"cmp"
	"sort"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// clause is one dependency clause of a package with how much it matters.
type clause struct {
	alts pkgs.Alternatives
	// critical clauses (Pre-Depends, Depends) must be satisfied; others
	// (Recommends) are followed when possible.
	critical bool
}

// clauses lists p's clauses in apt's order: Pre-Depends, Depends, then
// Recommends when they are followed.
func (s *solver) clauses(p *pkgs.Package) []clause {
	var out []clause
	for _, c := range p.PreDepends {
		out = append(out, clause{c, true})
	}
	for _, c := range p.Depends {
		out = append(out, clause{c, true})
	}
	if s.recommends {
		for _, c := range p.Recommends {
			out = append(out, clause{c, false})
		}
	}
	return out
}

// run selects every seed, then follows the dependencies of each in order,
// as apt-get install does with the packages named on its command line.
func (s *solver) run(seeds []*pkgs.Package) error {
	for _, p := range seeds {
		s.selectPkg(p, "")
	}
	for _, p := range seeds {
		if err := s.expand(p); err != nil {
			return err
		}
	}
	return s.verify()
}

// expand resolves the clauses of the selected package p, depth first.
func (s *solver) expand(p *pkgs.Package) error {
	for i, c := range s.clauses(p) {
		if s.satisfied(c.alts) {
			continue
		}
		if err := s.resolveClause(p, i, c.alts); err != nil && c.critical {
			return err
		}
	}
	return nil
}

// resolveClause installs the first solution of clause i of owner that can
// be installed. The error is the first solution's failure.
func (s *solver) resolveClause(owner *pkgs.Package, i int, c pkgs.Alternatives) error {
	sols := s.solutions(c)
	var first error
	for _, q := range sols {
		pick := choice{owner.Name, i, q.Name}
		if err := s.banned[pick]; err != nil {
			first = cmp.Or(first, err)
			continue
		}
		err := s.install(q, owner.Name)
		if err == nil {
			if len(sols) > 1 {
				s.chosen[q.Name] = pick
			}
			return nil
		}
		first = cmp.Or(first, err)
	}
	if first == nil {
		first = s.unsatisfied(s.chain(owner.Name), c)
	}
	return first
}

// install selects q, pulled by parent, with its whole closure, or leaves
// the selection unchanged and says why not.
func (s *solver) install(q *pkgs.Package, parent string) error {
	if s.sel[q.Name] != nil {
		return nil
	}
	if err := s.checkCandidates(q, parent); err != nil {
		return err
	}
	if err := s.checkConflicts(q, parent); err != nil {
		return err
	}
	mark := len(s.journal)
	s.selectPkg(q, parent)
	if err := s.expand(q); err != nil {
		s.undo(mark)
		return err
	}
	return nil
}

// checkCandidates is apt's IsInstallOkDependenciesSatisfiableByCandidates:
// a package with a Pre-Depends or Depends that nothing could ever satisfy is
// dropped for the rest of the attempt.
func (s *solver) checkCandidates(q *pkgs.Package, parent string) error {
	for _, c := range s.clauses(q) {
		if !c.critical || s.satisfied(c.alts) || s.installable(c.alts) {
			continue
		}
		err := s.unsatisfied(append(s.chain(parent), q.Name), c.alts)
		s.dropped[q.Name] = err
		return err
	}
	return nil
}

// checkConflicts refuses q if it conflicts with or breaks a selected
// package, or a selected package conflicts with or breaks q.
func (s *solver) checkConflicts(q *pkgs.Package, parent string) error {
	qchain := append(s.chain(parent), q.Name)
	for _, n := range negativeRelations(q) {
		if x := s.conflicting(n.rel, q); x != nil {
			return s.conflict(q, n, x, qchain, s.chain(x.Name))
		}
	}
	for _, name := range append([]string{q.Name}, providedNames(s.u, q)...) {
		for _, x := range s.negs[name] {
			for _, n := range negativeRelations(x) {
				if n.rel.Name == name && x.Name != q.Name && s.u.matches(n.rel, q) {
					return s.conflict(x, n, q, s.chain(x.Name), qchain)
				}
			}
		}
	}
	return nil
}

// conflicting returns a selected package other than self that r matches.
func (s *solver) conflicting(r pkgs.Relation, self *pkgs.Package) *pkgs.Package {
	if p := s.sel[r.Name]; p != nil && p.Name != self.Name && s.u.matches(r, p) {
		return p
	}
	for _, p := range s.prov[r.Name] {
		if p.Name != self.Name && s.u.matches(r, p) {
			return p
		}
	}
	return nil
}

// conflict builds the error for a refused solution and remembers which
// earlier choice, if any, is in the way.
func (s *solver) conflict(owner *pkgs.Package, n negative, other *pkgs.Package, ownerChain, otherChain []string) error {
	err := errConflict(owner, n, other, ownerChain, otherChain)
	for _, name := range []string{owner.Name, other.Name} {
		if c, ok := s.chosen[name]; ok && s.blocked == nil {
			s.blocked, s.blockedBy = &c, err
		}
	}
	return err
}

// verify checks every selected pair once more: requested packages were
// selected without checks.
func (s *solver) verify() error {
	names := append([]string(nil), s.journal...)
	sort.Strings(names)
	for _, name := range names {
		p := s.sel[name]
		for _, n := range negativeRelations(p) {
			if x := s.conflicting(n.rel, p); x != nil {
				return s.conflict(p, n, x, s.chain(p.Name), s.chain(x.Name))
			}
		}
	}
	return nil
}

// negative is one Conflicts or Breaks entry with its field name.
type negative struct {
	field string
	rel   pkgs.Relation
}

// negativeRelations lists p's Conflicts, then its Breaks.
func negativeRelations(p *pkgs.Package) []negative {
	out := make([]negative, 0, len(p.Conflicts)+len(p.Breaks))
	for _, r := range p.Conflicts {
		out = append(out, negative{"Conflicts", r})
	}
	for _, r := range p.Breaks {
		out = append(out, negative{"Breaks", r})
	}
	return out
}
