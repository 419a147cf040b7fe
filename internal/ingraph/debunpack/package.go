package debunpack

import "strings"

// Package identifies an unpacked package.
type Package struct {
	// Name is the package name.
	Name string
	// Version is the version, as the control file spells it.
	Version string
	// Arch is the architecture the package is installed for: a concrete
	// one, or "all".
	Arch string
	// MultiArch is the Multi-Arch field: "", "no", "same", "foreign" or
	// "allowed".
	MultiArch string
}

// ID is the name dpkg gives the package's files under var/lib/dpkg:
// "name:arch" for a Multi-Arch: same package of a concrete architecture,
// else "name".
func (p Package) ID() string {
	if p.MultiArch == "same" && p.Arch != "all" {
		return p.Name + ":" + p.Arch
	}
	return p.Name
}

// validName reports whether s is a package name dpkg accepts; names
// become file names, so nothing else may get through.
func validName(s string) bool { return validWord(s, "+.-") }

// validArch reports whether s is a well-formed architecture name.
func validArch(s string) bool { return validWord(s, "-") }

// validWord reports whether s is a lower-case letter or digit followed by
// lower-case letters, digits and bytes from extra.
func validWord(s, extra string) bool {
	for i, c := range []byte(s) {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune(extra, rune(c))) {
			return false
		}
	}
	return s != ""
}

// identify reads the package's identity from its control paragraph.
// arch, when not empty, is the architecture the caller expects: it must
// match a concrete Architecture field.
func identify(p paragraph, arch string) (Package, error) {
	pkg := Package{
		Name: p.Get("Package"), Version: p.Get("Version"),
		Arch: p.Get("Architecture"), MultiArch: p.Get("Multi-Arch"),
	}
	switch {
	case !validName(pkg.Name):
		return pkg, errControl("invalid package name " + quote(pkg.Name))
	case !validArch(pkg.Arch):
		return pkg, errControl("invalid architecture " + quote(pkg.Arch))
	case arch != "" && !validArch(arch):
		return pkg, errBadArch(arch)
	case arch != "" && pkg.Arch != "all" && pkg.Arch != arch:
		return pkg, errArchMismatch(pkg.Name, pkg.Arch, arch)
	}
	return pkg, nil
}
