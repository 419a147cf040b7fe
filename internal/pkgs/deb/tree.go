package deb

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// TreeFiles are the files of a source tree's debian/ directory that say
// what the Sources index says of a source package.
var TreeFiles = []string{"debian/control", "debian/changelog", "debian/source/format"}

var changelogHead = regexp.MustCompile(`^([a-z0-9][a-z0-9+.-]+) \(([^() ]+)\) `)

// SourceFromTree reads a source tree's debian/control, debian/changelog
// and (optional, nil when absent) debian/source/format as a source
// package: name and version from the changelog's first entry, build
// dependencies from control's source paragraph, binary packages and
// their architectures from the others. where names the tree in messages.
func SourceFromTree(control, changelog, format []byte, where string) (*pkgs.SourcePackage, error) {
	head, _, _ := strings.Cut(string(changelog), "\n")
	m := changelogHead.FindStringSubmatch(head)
	if m == nil {
		return nil, fmt.Errorf("%s/debian/changelog: first line %q is not \"NAME (VERSION) DISTRIBUTION; urgency=...\"", where, head)
	}
	sp := &pkgs.SourcePackage{Name: m[1], Version: m[2], Format: "1.0"}
	if err := ValidVersion(sp.Version); err != nil {
		return nil, fmt.Errorf("%s/debian/changelog: %w", where, err)
	}
	if f := strings.TrimSpace(string(format)); f != "" {
		sp.Format = f
	}
	r := NewReader(bytes.NewReader(control))
	src, err := r.Next()
	if err != nil {
		return nil, fmt.Errorf("%s/debian/control: %w", where, err)
	}
	if name := src.Get("Source"); name != sp.Name {
		return nil, fmt.Errorf("%s/debian/control names source %q, debian/changelog %q", where, name, sp.Name)
	}
	sp.BuildDepends = oneLine(src.Get("Build-Depends"))
	sp.BuildDependsArch = oneLine(src.Get("Build-Depends-Arch"))
	sp.BuildDependsIndep = oneLine(src.Get("Build-Depends-Indep"))
	for _, f := range []struct{ name, v string }{{"Build-Depends", sp.BuildDepends},
		{"Build-Depends-Arch", sp.BuildDependsArch}, {"Build-Depends-Indep", sp.BuildDependsIndep}} {
		if _, err := evalBuildRelations(f.v, BuildFor{}); err != nil {
			return nil, fmt.Errorf("%s/debian/control: %s: %w", where, f.name, err)
		}
	}
	var arches []string
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s/debian/control: %w", where, err)
		}
		b := pkgs.SourceBinary{Name: p.Get("Package"), Type: "deb", Arch: oneLine(p.Get("Architecture"))}
		if t := p.Get("Package-Type"); t != "" {
			b.Type = t
		}
		if err := checkPackageName(b.Name); err != nil {
			return nil, fmt.Errorf("%s/debian/control: paragraph at line %d: %w", where, p.Line(), err)
		}
		sp.Binaries = append(sp.Binaries, b.Name)
		sp.PackageList = append(sp.PackageList, b)
		for _, a := range strings.Fields(b.Arch) {
			if !strings.Contains(" "+strings.Join(arches, " ")+" ", " "+a+" ") {
				arches = append(arches, a)
			}
		}
	}
	if len(sp.PackageList) == 0 {
		return nil, fmt.Errorf("%s/debian/control lists no binary package", where)
	}
	sp.Architecture = strings.Join(arches, " ")
	return sp, nil
}
