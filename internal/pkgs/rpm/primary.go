package rpm

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/decompress"
)

// Package is one package of a repository's primary metadata.
type Package struct {
	Name, Arch string
	EVR        EVR
	// SHA256 is the package file's digest (createrepo_c's pkgid).
	SHA256 string
	// Location is the file's path inside the repository.
	Location                                 string
	Size                                     int64
	SourceRPM                                string
	Provides, Requires, Conflicts, Obsoletes []Dep
	// The weak relations: off by default when resolving, as dnf's
	// install_weak_deps=False.
	Recommends, Suggests, Supplements, Enhances []Dep
	// Files are the package's files: primary's (the ones in /etc, bin
	// directories and /usr/lib/sendmail) merged with filelists'.
	Files []string
}

// NEVRA is name-[epoch:]version-release.arch, as rpm -q prints it with
// the epoch.
func (p Package) NEVRA() string { return p.Name + "-" + p.EVR.String() + "." + p.Arch }

// Dep is one relation: a name (a package, a capability, a file or a rich
// dependency in parentheses), and for a versioned one its operator and
// EVR.
type Dep struct {
	Name string
	// Op is "", "=", "<", "<=", ">" or ">=".
	Op  string
	EVR EVR
	// Pre marks a Requires(pre) and friends: needed before the
	// package's scriptlets run.
	Pre bool
}

// String is the relation as rpm -qR prints it.
func (d Dep) String() string {
	if d.Op == "" {
		return d.Name
	}
	return d.Name + " " + d.Op + " " + d.EVR.String()
}

// Rich reports whether the relation is a rich (boolean) dependency.
func (d Dep) Rich() bool { return strings.HasPrefix(d.Name, "(") }

var flagOps = map[string]string{"": "", "EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}

type xmlEntry struct {
	Name  string `xml:"name,attr"`
	Flags string `xml:"flags,attr"`
	Epoch string `xml:"epoch,attr"`
	Ver   string `xml:"ver,attr"`
	Rel   string `xml:"rel,attr"`
	Pre   string `xml:"pre,attr"`
}

type xmlEntries struct {
	Entries []xmlEntry `xml:"entry"`
}

type xmlPackage struct {
	Type    string `xml:"type,attr"`
	Name    string `xml:"name"`
	Arch    string `xml:"arch"`
	Version struct {
		Epoch string `xml:"epoch,attr"`
		Ver   string `xml:"ver,attr"`
		Rel   string `xml:"rel,attr"`
	} `xml:"version"`
	Checksum xmlSum `xml:"checksum"`
	Location struct {
		Href string `xml:"href,attr"`
	} `xml:"location"`
	Size struct {
		Package int64 `xml:"package,attr"`
	} `xml:"size"`
	Format struct {
		SourceRPM   string     `xml:"sourcerpm"`
		Provides    xmlEntries `xml:"provides"`
		Requires    xmlEntries `xml:"requires"`
		Conflicts   xmlEntries `xml:"conflicts"`
		Obsoletes   xmlEntries `xml:"obsoletes"`
		Recommends  xmlEntries `xml:"recommends"`
		Suggests    xmlEntries `xml:"suggests"`
		Supplements xmlEntries `xml:"supplements"`
		Enhances    xmlEntries `xml:"enhances"`
		Files       []string   `xml:"file"`
	} `xml:"format"`
}

// ParsePrimary reads primary.xml (uncompressed), package by package.
func ParsePrimary(data []byte) ([]Package, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var out []Package
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "package" {
			continue
		}
		var x xmlPackage
		if err := dec.DecodeElement(&x, &se); err != nil {
			return nil, err
		}
		p, err := x.pkg()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (x *xmlPackage) pkg() (Package, error) {
	p := Package{
		Name: x.Name, Arch: x.Arch,
		EVR:      EVR{Epoch: epoch(x.Version.Epoch), Version: x.Version.Ver, Release: x.Version.Rel},
		Location: x.Location.Href, Size: x.Size.Package, SourceRPM: x.Format.SourceRPM,
		Files: x.Format.Files,
	}
	if p.Name == "" || p.Arch == "" || p.EVR.Version == "" || p.Location == "" {
		return p, fmt.Errorf("a package without name, arch, version or location (%q %q %q %q)", p.Name, p.Arch, p.EVR.Version, p.Location)
	}
	if x.Checksum.Type != "sha256" {
		return p, fmt.Errorf("%s: package checksum type %q; cairn pins packages by sha256 (createrepo_c --checksum sha256)", p.NEVRA(), x.Checksum.Type)
	}
	p.SHA256 = x.Checksum.Value
	var err error
	for _, rel := range []struct {
		to *[]Dep
		in xmlEntries
	}{
		{&p.Provides, x.Format.Provides}, {&p.Requires, x.Format.Requires}, {&p.Conflicts, x.Format.Conflicts},
		{&p.Obsoletes, x.Format.Obsoletes}, {&p.Recommends, x.Format.Recommends}, {&p.Suggests, x.Format.Suggests},
		{&p.Supplements, x.Format.Supplements}, {&p.Enhances, x.Format.Enhances},
	} {
		if *rel.to, err = deps(p.NEVRA(), rel.in.Entries); err != nil {
			return p, err
		}
	}
	return p, nil
}

func deps(who string, es []xmlEntry) ([]Dep, error) {
	var out []Dep
	for _, e := range es {
		op, ok := flagOps[e.Flags]
		if !ok || e.Name == "" {
			return nil, fmt.Errorf("%s: relation %q with flags %q", who, e.Name, e.Flags)
		}
		d := Dep{Name: e.Name, Op: op, Pre: e.Pre == "1"}
		if op != "" {
			d.EVR = EVR{Epoch: epoch(e.Epoch), Version: e.Ver, Release: e.Rel}
		}
		out = append(out, d)
	}
	return out, nil
}

// epoch drops createrepo's explicit "0": no epoch and epoch 0 are the
// same to rpm, and printing neither is how rpm -q shows them.
func epoch(e string) string {
	if strings.TrimLeft(e, "0") == "" {
		return ""
	}
	return e
}

type xmlFilelistsPackage struct {
	PkgID string   `xml:"pkgid,attr"`
	Name  string   `xml:"name,attr"`
	Arch  string   `xml:"arch,attr"`
	Files []string `xml:"file"`
}

// addFilelists merges filelists.xml's files into the packages, by pkgid.
func addFilelists(pkgs []Package, data []byte) error {
	byID := map[string]*Package{}
	for i := range pkgs {
		byID[pkgs[i].SHA256] = &pkgs[i]
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "package" {
			continue
		}
		var x xmlFilelistsPackage
		if err := dec.DecodeElement(&x, &se); err != nil {
			return err
		}
		p := byID[x.PkgID]
		if p == nil {
			return fmt.Errorf("package %s (%s.%s) is not in primary", x.PkgID, x.Name, x.Arch)
		}
		p.Files = mergeSorted(p.Files, x.Files)
	}
	return nil
}

func mergeSorted(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range append(append([]string{}, a...), b...) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// ParsePrimaryCompressed reads a primary.xml as a repository serves it
// (gzip, xz, zstd or bzip2), unchecked: for tools and tests that have no
// repomd.xml to check it against.
func ParsePrimaryCompressed(data []byte) ([]Package, error) {
	plain, err := decompress.All(data, maxMetadata)
	if err != nil {
		return nil, err
	}
	return ParsePrimary(plain)
}
