package resolve

import (
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// mentionOf returns the id apt would give name; see mentions.
func (u *Universe) mentionOf(name string) int {
	u.mentionOnce.Do(func() { u.mention = u.mentions() })
	return u.mention[name]
}

// mentions numbers every name in the order in which apt's cache would
// first meet it, which is the order of apt's internal package ids and so
// apt's last tie-break between providers (it prefers the higher id).
//
// apt creates a package when it reads its stanza or first reads its name as
// the target of a relation or a Provides, in file order. The Debian archive
// writes an index sorted by source package, then binary package, so reading
// the universe in that canonical order gives nearly the same numbers without
// depending on the order of New's input. On bookworm main the provider
// apt installs for a virtual package with tied candidates is the one this
// order predicts in about 95% of cases (TestOracleProviders); by name, in
// about 23%. Most of the rest are names apt first meets in Suggests,
// Replaces or Enhances, which the model does not carry.
func (u *Universe) mentions() map[string]int {
	var all []*pkgs.Package
	for _, name := range u.names {
		all = append(all, u.versions[name]...)
	}
	sort.SliceStable(all, func(i, j int) bool { return sourceName(all[i]) < sourceName(all[j]) })
	m := make(map[string]int, len(u.names)+len(u.providers))
	note := func(r pkgs.Relation) {
		key := r.Name
		if r.Arch != "" {
			key += ":" + r.Arch // apt's target is a package of its own
		}
		if _, ok := m[key]; !ok {
			m[key] = len(m)
		}
	}
	for _, p := range all {
		note(pkgs.Relation{Name: p.Name})
		for _, r := range mentionedRelations(p) {
			note(r)
		}
	}
	return m
}

// mentionedRelations lists p's relations in the order apt's parser reads
// its fields: Pre-Depends, Depends, Conflicts, Breaks, Recommends,
// Provides. (apt also reads Suggests, Replaces and Enhances, which the
// model does not carry.)
func mentionedRelations(p *pkgs.Package) []pkgs.Relation {
	var out []pkgs.Relation
	for _, f := range [][]pkgs.Alternatives{p.PreDepends, p.Depends} {
		for _, c := range f {
			out = append(out, c...)
		}
	}
	out = append(append(out, p.Conflicts...), p.Breaks...)
	for _, c := range p.Recommends {
		out = append(out, c...)
	}
	for _, r := range p.Provides {
		out = append(out, pkgs.Relation{Name: r.Name})
	}
	return out
}

// sourceName is the name of p's source package.
func sourceName(p *pkgs.Package) string {
	if p.Source == "" {
		return p.Name
	}
	name, _, _ := strings.Cut(p.Source, " ")
	return name
}
