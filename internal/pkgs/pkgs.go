// Package pkgs is cairn's format-neutral model of binary packages: what a
// repository index says about a package, in the terms a resolver needs.
//
// Debian (internal/pkgs/deb) fills it today and RPM will fill it next, so nothing
// here is Debian syntax: relations are already parsed, versions are opaque
// strings compared by the format's own Compare, and the few Debian-only ideas
// that change resolution (Multi-Arch, Essential, Priority) are fields an RPM
// reader simply leaves at their zero values.
package pkgs

import "strings"

// Package is one binary package in one repository index.
type Package struct {
	Name    string
	Version string
	// Arch is the package's architecture: a concrete one ("amd64") or "all".
	Arch string
	// MultiArch is "", "same", "foreign" or "allowed".
	MultiArch string
	Essential bool
	// Priority is "required", "important", "standard", "optional", "extra" or "".
	Priority string
	// Source is the source package name (and version when it differs), as
	// the index gives it; empty when it equals Name.
	Source string

	Provides   []Relation // Op is "" or "="
	PreDepends []Alternatives
	Depends    []Alternatives
	Recommends []Alternatives
	Conflicts  []Relation
	Breaks     []Relation

	// Filename is the path of the package file relative to the repository
	// root, e.g. "pool/main/b/bash/bash_5.2.15-2+b2_amd64.deb".
	Filename string
	Size     int64
	SHA256   string // hex
	// InstalledSize is in KiB, as the index gives it.
	InstalledSize int64

	// Repo names the index the package came from, for messages and the
	// lockfile, e.g. "debian bookworm/main amd64".
	Repo string
}

// ID is name:arch, the identity of an installed package.
func (p *Package) ID() string { return p.Name + ":" + p.Arch }

// String is name=version:arch, for messages.
func (p *Package) String() string { return p.Name + "=" + p.Version + ":" + p.Arch }

// Alternatives is one clause of a dependency field: any one relation
// satisfies it ("a | b (>= 2)").
type Alternatives []Relation

// String renders the clause in Debian syntax.
func (a Alternatives) String() string {
	s := make([]string, len(a))
	for i, r := range a {
		s[i] = r.String()
	}
	return strings.Join(s, " | ")
}

// Relation names a package (or a virtual package), optionally qualified by
// architecture and restricted to versions.
type Relation struct {
	Name string
	// Arch is the architecture qualifier: "" (none), "any", "native" or a
	// concrete architecture.
	Arch string
	// Op is "", "<<", "<=", "=", ">=" or ">>"; Version is set when Op is.
	Op      string
	Version string
}

// String renders the relation in Debian syntax: "libc6:any (>= 2.36)".
func (r Relation) String() string {
	s := r.Name
	if r.Arch != "" {
		s += ":" + r.Arch
	}
	if r.Op != "" {
		s += " (" + r.Op + " " + r.Version + ")"
	}
	return s
}

// Satisfies reports whether version v meets the relation's version
// restriction under the format's comparison.
func (r Relation) Satisfies(v string, compare func(a, b string) int) bool {
	if r.Op == "" {
		return true
	}
	c := compare(v, r.Version)
	switch r.Op {
	case "<<":
		return c < 0
	case "<=":
		return c <= 0
	case "=":
		return c == 0
	case ">=":
		return c >= 0
	case ">>":
		return c > 0
	}
	return false
}
