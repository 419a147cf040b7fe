package resolve

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// UnsatisfiedError reports a relation that nothing installable satisfies.
type UnsatisfiedError struct {
	// Chain leads from the requested package to the relation, e.g.
	// ["openssh-server", "libssl3 (>= 3.0.9)"]; a request that cannot be
	// met is a chain of one.
	Chain []string
	// Relation is the clause that could not be satisfied.
	Relation pkgs.Alternatives
	// Reason says what is missing, e.g. "not in debian bookworm/main amd64".
	Reason string
	// Candidates lists what exists under the relation's names:
	// "name=version" of real packages, best first, then providers.
	Candidates []string
	// Repo names the repositories that were searched.
	Repo string

	// missing is the name to suggest alternatives for, when nothing by that
	// name exists; Resolve completes Reason with it.
	missing string
}

// Error reads "a -> b -> rel: reason; candidates: x=1, ...".
func (e *UnsatisfiedError) Error() string {
	var b strings.Builder
	b.WriteString(strings.Join(e.Chain, " -> ") + ": " + e.Reason)
	if len(e.Candidates) > 0 {
		b.WriteString("; candidates: " + strings.Join(e.Candidates, ", "))
	}
	return b.String()
}

// ConflictError reports two packages of the closure that cannot be
// installed together.
type ConflictError struct {
	// Package is the package whose Conflicts or Breaks field matched.
	Package *pkgs.Package
	// Field is "Conflicts" or "Breaks".
	Field string
	// Relation is the matching entry of that field.
	Relation pkgs.Relation
	// Other is the package the entry matched.
	Other *pkgs.Package
	// Chain and OtherChain lead from a requested package to Package and
	// Other.
	Chain, OtherChain []string
}

// Error reads "a=1 conflicts with b (<< 2) installed as b=1
// (pulled by: x -> b)".
func (e *ConflictError) Error() string {
	verb := "conflicts with"
	if e.Field == "Breaks" {
		verb = "breaks"
	}
	s := nameVersion(e.Package)
	if len(e.Chain) > 1 {
		s += " " + pulledBy(e.Chain)
	}
	s += fmt.Sprintf(" %s %s installed as %s %s", verb, e.Relation, nameVersion(e.Other), pulledBy(e.OtherChain))
	return s
}

// pulledBy explains how a package came into the closure.
func pulledBy(chain []string) string {
	if len(chain) <= 1 {
		return "(requested)"
	}
	return "(pulled by: " + strings.Join(chain, " -> ") + ")"
}

func nameVersion(p *pkgs.Package) string { return p.Name + "=" + p.Version }

// unsatisfied explains why clause c, reached through chain, has no
// solution. If an alternative was dropped because its own dependencies can
// never be met, that deeper reason is the answer.
func (s *solver) unsatisfied(chain []string, c pkgs.Alternatives) error {
	if err := s.droppedReason(c); err != nil {
		return err
	}
	e := &UnsatisfiedError{Chain: append(slices.Clone(chain), c.String()), Relation: c}
	var reasons []string
	for i, r := range c {
		reason, cands, repo, missing := s.explain(r)
		if i == 0 {
			e.Repo, e.missing = repo, missing
		}
		if len(c) > 1 {
			reason = r.String() + ": " + reason
		}
		reasons = append(reasons, reason)
		e.Candidates = append(e.Candidates, cands...)
	}
	if len(c) > 1 {
		e.missing = ""
	}
	e.Reason = strings.Join(reasons, "; ")
	return e
}

// errAmbiguous reports a request naming a virtual package with several
// providers, which apt refuses too.
func errAmbiguous(req, name string, providers []*pkgs.Package, repo string) error {
	return &UnsatisfiedError{Chain: []string{req}, Relation: pkgs.Alternatives{{Name: name}},
		Reason:     "virtual package provided by several packages; request one of them",
		Candidates: providerList(name, providers), Repo: repo}
}

// errDuplicate reports one name requested with two different versions.
func errDuplicate(req string, have *pkgs.Package) error {
	return &UnsatisfiedError{Chain: []string{req}, Relation: pkgs.Alternatives{{Name: have.Name}},
		Reason: "requested twice with different versions", Candidates: []string{nameVersion(have)}, Repo: have.Repo}
}

// errConflict reports that owner's Conflicts or Breaks entry n matches
// other; the chains say how each came into the closure.
func errConflict(owner *pkgs.Package, n negative, other *pkgs.Package, ownerChain, otherChain []string) *ConflictError {
	return &ConflictError{Package: owner, Field: n.field, Relation: n.rel, Other: other,
		Chain: ownerChain, OtherChain: otherChain}
}

// withSuggestion completes an error from a resolution with the suggestions
// for a missing name. Errors carry no recipe position: the compiler, which
// knows the call, adds it (stdlib.Error).
func (u *Universe) withSuggestion(err error) error {
	if e, ok := err.(*UnsatisfiedError); ok && e.missing != "" {
		e.Reason += didYouMean(e.missing, u.everyName())
		e.missing = ""
	}
	return err
}
