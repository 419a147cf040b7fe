package deb

import (
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// BuildFor says what a build produces: the host architecture, the build
// profiles in force, and whether it builds the architecture-dependent
// (dpkg-buildpackage -B), the architecture-independent (-A) packages, or both.
type BuildFor struct {
	Arch     string
	Profiles []string
	Any, All bool
}

// BuildDepends evaluates a source package's build dependencies for one
// build, as dpkg-checkbuilddeps does: Build-Depends, plus Build-Depends-Arch
// when arch-dependent packages are built, plus Build-Depends-Indep when
// arch-independent ones are. A relation whose architecture list excludes
// the host architecture, or whose build-profile formula is false, is
// dropped; a clause left with no alternatives is dropped with it.
//
// Architecture lists match names and the Linux wildcards dpkg knows for
// them: "any", "linux-any", "any-CPU" and "linux-CPU". A profile formula
// "<a !b> <c>" holds when every term of any one list holds.
func BuildDepends(sp *pkgs.SourcePackage, b BuildFor) ([]pkgs.Alternatives, error) {
	fields := []string{sp.BuildDepends}
	if b.Any {
		fields = append(fields, sp.BuildDependsArch)
	}
	if b.All {
		fields = append(fields, sp.BuildDependsIndep)
	}
	var out []pkgs.Alternatives
	for _, f := range fields {
		clauses, err := evalBuildRelations(f, b)
		if err != nil {
			return nil, err
		}
		out = append(out, clauses...)
	}
	return out, nil
}

func evalBuildRelations(s string, b BuildFor) ([]pkgs.Alternatives, error) {
	var out []pkgs.Alternatives
	for rest, more := s, true; more; {
		var clause string
		clause, rest, more = nextPiece(rest, ',')
		if isBlank(clause) {
			continue
		}
		var alts pkgs.Alternatives
		for crest, cmore := clause, true; cmore; {
			var alt string
			alt, crest, cmore = nextPiece(crest, '|')
			r, err := parseRestricted(alt)
			if err != nil {
				return nil, err
			}
			if archAllowed(r.archs, b.Arch) && profilesHold(r.profiles, b.Profiles) {
				alts = append(alts, r.Relation)
			}
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out, nil
}

// archAllowed applies an architecture restriction list: positive lists
// name where the relation applies, negated ones ("!arm64") where it does
// not; dpkg forbids mixing the two.
func archAllowed(list []string, arch string) bool {
	if len(list) == 0 {
		return true
	}
	negated := strings.HasPrefix(list[0], "!")
	for _, w := range list {
		if ArchMatches(strings.TrimPrefix(w, "!"), arch) {
			return !negated
		}
	}
	return negated
}

// ArchMatches reports whether a Debian architecture (on Linux) matches a
// name or wildcard: the name itself, "any", "linux-any", "any-ARCH" or
// "linux-ARCH".
func ArchMatches(pattern, arch string) bool {
	switch pattern {
	case arch, "any", "linux-any", "any-" + arch, "linux-" + arch:
		return true
	}
	return false
}

// profilesHold evaluates a build-profile formula against the active
// profiles; no formula always holds.
func profilesHold(formula [][]string, active []string) bool {
	if len(formula) == 0 {
		return true
	}
	for _, terms := range formula {
		all := true
		for _, t := range terms {
			name, neg := strings.CutPrefix(t, "!")
			on := false
			for _, a := range active {
				on = on || a == name
			}
			all = all && on != neg
		}
		if all {
			return true
		}
	}
	return false
}
