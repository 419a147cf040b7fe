package deb

import (
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// ParseRelations parses a field whose clauses may offer alternatives:
// Depends, Pre-Depends, Recommends, Suggests. The syntax is dpkg's:
//
//	libc6 (>= 2.36), awk | mawk:any, foo [amd64] <!nocheck>
//
// Each relation is a package name, an optional ":arch" qualifier, an
// optional version restriction "(op version)", an optional architecture
// restriction list "[...]" and any number of build-profile lists "<...>".
// Operators are "<<", "<=", "=", ">=" and ">>"; the obsolete "<" and ">"
// mean "<=" and ">=" and a bare "(1.0)" means "= 1.0", as in dpkg.
// Architecture restrictions and build profiles are checked for syntax and
// then dropped: they only occur in source packages, whose binaries carry
// the already evaluated result, so for binary-package fields the relation
// always applies. Do not use this to evaluate Build-Depends.
//
// Blanks (including newlines of folded fields) may surround any token.
// Empty clauses, such as a trailing comma, are skipped as Dpkg::Deps does;
// an empty alternative is an error. A blank string yields nil.
func ParseRelations(s string) ([]pkgs.Alternatives, error) {
	nclauses := strings.Count(s, ",") + 1
	all := make([]pkgs.Relation, 0, nclauses+strings.Count(s, "|"))
	var out []pkgs.Alternatives
	for rest, more := s, true; more; {
		var clause string
		clause, rest, more = nextPiece(rest, ',')
		if isBlank(clause) {
			continue
		}
		start := len(all)
		var err error
		if all, err = appendAlternatives(all, clause); err != nil {
			return nil, err
		}
		if out == nil {
			out = make([]pkgs.Alternatives, 0, nclauses)
		}
		out = append(out, pkgs.Alternatives(all[start:len(all):len(all)]))
	}
	return out, nil
}

// appendAlternatives parses the '|'-separated relations of one clause.
func appendAlternatives(all []pkgs.Relation, clause string) ([]pkgs.Relation, error) {
	for rest, more := clause, true; more; {
		var alt string
		alt, rest, more = nextPiece(rest, '|')
		r, err := parseRelation(alt)
		if err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	return all, nil
}

// ParseRelationList parses a field whose entries offer no alternatives:
// Conflicts, Breaks, Provides, Replaces. The syntax of each entry is that
// of ParseRelations; a '|' is an error.
func ParseRelationList(s string) ([]pkgs.Relation, error) {
	var out []pkgs.Relation
	for rest, more := s, true; more; {
		var entry string
		entry, rest, more = nextPiece(rest, ',')
		if isBlank(entry) {
			continue
		}
		if strings.IndexByte(entry, '|') >= 0 {
			return nil, errRelation(entry, "alternatives ('|') are not allowed in this field")
		}
		r, err := parseRelation(entry)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// nextPiece splits s at the first sep and reports whether there was one.
func nextPiece(s string, sep byte) (piece, rest string, more bool) {
	if i := strings.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// parseRelation parses one relation: name[:arch] [(op version)] [archs]
// [<profiles>]...; the restrictions are checked and dropped.
func parseRelation(entry string) (pkgs.Relation, error) {
	r, err := parseRestricted(entry)
	return r.Relation, err
}

// restricted is a relation with the restrictions a source package's
// relations may carry: an architecture list ("amd64", "!arm64",
// "linux-any") and build-profile formulas (any list whose terms all hold).
type restricted struct {
	pkgs.Relation
	archs    []string
	profiles [][]string
}

// parseRestricted parses one relation and keeps its restrictions.
func parseRestricted(entry string) (restricted, error) {
	p := relParser{s: entry}
	var r restricted
	if err := p.name(&r.Relation); err != nil {
		return r, err
	}
	if p.skipBlanks() == '(' {
		if err := p.version(&r.Relation); err != nil {
			return r, err
		}
	}
	if p.skipBlanks() == '[' {
		archs, err := p.list('[', ']', isArchChar, "architecture")
		if err != nil {
			return r, err
		}
		r.archs = archs
	}
	for p.skipBlanks() == '<' {
		terms, err := p.list('<', '>', isNameChar, "build profile")
		if err != nil {
			return r, err
		}
		r.profiles = append(r.profiles, terms)
	}
	if p.i < len(p.s) {
		return r, p.errorf("unexpected %q", p.s[p.i:])
	}
	return r, nil
}
