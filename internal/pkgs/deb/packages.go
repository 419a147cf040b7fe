package deb

import (
	"io"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// ParsePackages reads a whole Packages index into the package model,
// copying repo into each Package.Repo. It skips nothing: every paragraph
// must describe a valid package, and the first that does not fails the
// whole index with "<repo>: Packages paragraph at line N: ...".
func ParsePackages(r io.Reader, repo string) ([]*pkgs.Package, error) {
	return parseIndex(r, repo, PackageFromParagraph)
}

// parseIndex converts every paragraph of an index with one, stopping at
// the first that fails.
func parseIndex[T any](r io.Reader, repo string, convert func(*Paragraph, string) (T, error)) ([]T, error) {
	rd := NewReader(r)
	var out []T
	for {
		p, err := rd.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, errIndex(repo, err)
		}
		v, err := convert(p, repo)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// The fields PackageFromParagraph reads, as indexes into a kept array.
const (
	fPackage = iota
	fVersion
	fArchitecture
	fMultiArch
	fEssential
	fPriority
	fSource
	fFilename
	fSize
	fSHA256
	fInstalledSize
	fProvides
	fPreDepends
	fDepends
	fRecommends
	fConflicts
	fBreaks
	nFields
)

var fieldNames = [nFields]string{
	"Package", "Version", "Architecture", "Multi-Arch", "Essential",
	"Priority", "Source", "Filename", "Size", "SHA256", "Installed-Size",
	"Provides", "Pre-Depends", "Depends", "Recommends", "Conflicts", "Breaks",
}

// PackageFromParagraph converts one Packages (or status) paragraph.
// Package, Version and Architecture are required; the other fields it
// reads are Multi-Arch, Essential, Priority, Source, Filename, Size,
// SHA256, Installed-Size, Provides, Pre-Depends, Depends, Recommends,
// Conflicts and Breaks, each validated when present. The strings it keeps
// are copied out of the paragraph, so a package does not pin the whole
// paragraph (Description and all) in memory.
func PackageFromParagraph(p *Paragraph, repo string) (*pkgs.Package, error) {
	v := keptFields(p)
	pkg := &pkgs.Package{Repo: repo}
	for _, fill := range fillers {
		if err := fill(pkg, &v); err != nil {
			return nil, errParagraph(repo, p.Line(), err)
		}
	}
	return pkg, nil
}

// keptFields looks up the fields PackageFromParagraph reads and copies
// their values into one new string.
func keptFields(p *Paragraph) [nFields]string {
	var v [nFields]string
	n := 0
	for i := range p.fields {
		f := &p.fields[i]
		if j := fieldIndex(f.Name); j >= 0 {
			v[j] = f.Value
			n += len(f.Value)
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range v {
		b.WriteString(s)
	}
	all, off := b.String(), 0
	for i, s := range v {
		v[i], off = all[off:off+len(s)], off+len(s)
	}
	return v
}

// fieldIndex returns the index of name in fieldNames, ignoring case, or -1.
func fieldIndex(name string) int {
	for j, want := range fieldNames {
		if len(want) == len(name) && strings.EqualFold(want, name) {
			return j
		}
	}
	return -1
}

// fillers each set some Package fields from the kept values.
var fillers = [...]func(*pkgs.Package, *[nFields]string) error{
	fillIdentity, fillFlags, fillFile, fillRelations,
}

// fillIdentity sets Name, Version, Arch and Source.
func fillIdentity(pkg *pkgs.Package, v *[nFields]string) error {
	for _, i := range [...]int{fPackage, fVersion, fArchitecture} {
		if v[i] == "" {
			return errMissing(fieldNames[i])
		}
	}
	if err := checkPackageName(v[fPackage]); err != nil {
		return errField("Package", err)
	}
	if err := ValidVersion(v[fVersion]); err != nil {
		return errField("Version", err)
	}
	if err := checkArch(v[fArchitecture]); err != nil {
		return errField("Architecture", err)
	}
	pkg.Name, pkg.Version, pkg.Arch = v[fPackage], v[fVersion], v[fArchitecture]
	if v[fSource] != pkg.Name {
		pkg.Source = v[fSource]
	}
	return nil
}

// fillFlags sets MultiArch, Essential and Priority.
func fillFlags(pkg *pkgs.Package, v *[nFields]string) error {
	switch ma := v[fMultiArch]; ma {
	case "", "no":
	case "same", "foreign", "allowed":
		pkg.MultiArch = ma
	default:
		return errFieldValue("Multi-Arch", ma, `"same", "foreign", "allowed" or "no"`)
	}
	switch e := v[fEssential]; e {
	case "", "no":
	case "yes":
		pkg.Essential = true
	default:
		return errFieldValue("Essential", e, `"yes" or "no"`)
	}
	pkg.Priority = v[fPriority]
	return nil
}

// fillFile sets Filename, Size, SHA256 and InstalledSize.
func fillFile(pkg *pkgs.Package, v *[nFields]string) error {
	var err error
	if pkg.Size, err = parseSize("Size", v[fSize]); err != nil {
		return err
	}
	if pkg.InstalledSize, err = parseSize("Installed-Size", v[fInstalledSize]); err != nil {
		return err
	}
	if h := v[fSHA256]; h != "" && !isSHA256(h) {
		return errFieldValue("SHA256", h, "64 hexadecimal digits")
	}
	pkg.Filename, pkg.SHA256 = v[fFilename], v[fSHA256]
	return nil
}

// fillRelations parses the relation fields.
func fillRelations(pkg *pkgs.Package, v *[nFields]string) error {
	var err error
	for _, f := range [...]struct {
		i   int
		dst *[]pkgs.Alternatives
	}{{fPreDepends, &pkg.PreDepends}, {fDepends, &pkg.Depends}, {fRecommends, &pkg.Recommends}} {
		if *f.dst, err = ParseRelations(v[f.i]); err != nil {
			return errField(fieldNames[f.i], err)
		}
	}
	for _, f := range [...]struct {
		i   int
		dst *[]pkgs.Relation
	}{{fProvides, &pkg.Provides}, {fConflicts, &pkg.Conflicts}, {fBreaks, &pkg.Breaks}} {
		if *f.dst, err = ParseRelationList(v[f.i]); err != nil {
			return errField(fieldNames[f.i], err)
		}
	}
	return checkProvides(pkg.Provides)
}

// checkProvides enforces that a Provides entry names an exact version or
// none, the only form dpkg and apt act on.
func checkProvides(provides []pkgs.Relation) error {
	for _, r := range provides {
		if r.Op != "" && r.Op != "=" {
			return errField("Provides", errRelation(r.String(), "only exact versions (=) may be provided"))
		}
	}
	return nil
}

// parseSize parses a non-negative decimal size; "" is 0.
func parseSize(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || s[0] == '+' {
		return 0, errFieldValue(field, s, "a non-negative decimal number")
	}
	return n, nil
}

func isSHA256(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}
