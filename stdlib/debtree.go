package stdlib

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// A project tree with a debian/ directory (local("pkg")) is a source
// package too. Unlike a git() tree, it is on the client while the recipe is
// evaluated, so its debian/control and debian/changelog are read then: the
// build dependencies, the binary packages and the version, exactly what
// the archive's Sources index says of a source package.

var changelogHead = regexp.MustCompile(`^([a-z0-9][a-z0-9+.-]+) \(([^() ]+)\) `)

// readDebianTree reads dir/debian/{control,changelog,source/format} from
// the project.
func readDebianTree(fsys fs.FS, dir string) (*pkgs.SourcePackage, error) {
	control, err := readTreeFile(fsys, dir, "debian/control")
	if err != nil {
		return nil, err
	}
	changelog, err := readTreeFile(fsys, dir, "debian/changelog")
	if err != nil {
		return nil, err
	}
	head, _, _ := strings.Cut(string(changelog), "\n")
	m := changelogHead.FindStringSubmatch(head)
	if m == nil {
		return nil, fmt.Errorf("%s/debian/changelog: first line %q is not \"NAME (VERSION) DISTRIBUTION; urgency=...\"", dir, head)
	}
	sp := &pkgs.SourcePackage{Name: m[1], Version: m[2], Format: "1.0"}
	if err := deb.ValidVersion(sp.Version); err != nil {
		return nil, fmt.Errorf("%s/debian/changelog: %w", dir, err)
	}
	if f, err := fs.ReadFile(fsys, path.Join(dir, "debian/source/format")); err == nil {
		sp.Format = strings.TrimSpace(string(f))
	}
	r := deb.NewReader(bytes.NewReader(control))
	src, err := r.Next()
	if err != nil {
		return nil, fmt.Errorf("%s/debian/control: %w", dir, err)
	}
	if name := src.Get("Source"); name != sp.Name {
		return nil, fmt.Errorf("%s/debian/control names source %q, debian/changelog %q", dir, name, sp.Name)
	}
	sp.BuildDepends = strings.Join(strings.Fields(src.Get("Build-Depends")), " ")
	sp.BuildDependsArch = strings.Join(strings.Fields(src.Get("Build-Depends-Arch")), " ")
	sp.BuildDependsIndep = strings.Join(strings.Fields(src.Get("Build-Depends-Indep")), " ")
	var arches []string
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s/debian/control: %w", dir, err)
		}
		b := pkgs.SourceBinary{Name: p.Get("Package"), Type: "deb", Arch: strings.Join(strings.Fields(p.Get("Architecture")), " ")}
		if t := p.Get("Package-Type"); t != "" {
			b.Type = t
		}
		sp.Binaries = append(sp.Binaries, b.Name)
		sp.PackageList = append(sp.PackageList, b)
		for _, a := range strings.Fields(b.Arch) {
			if !contains(arches, a) {
				arches = append(arches, a)
			}
		}
	}
	if len(sp.PackageList) == 0 {
		return nil, fmt.Errorf("%s/debian/control lists no binary package", dir)
	}
	sp.Architecture = strings.Join(arches, " ")
	for _, f := range []struct{ name, v string }{{"Build-Depends", sp.BuildDepends},
		{"Build-Depends-Arch", sp.BuildDependsArch}, {"Build-Depends-Indep", sp.BuildDependsIndep}} {
		if _, err := deb.BuildDepends(&pkgs.SourcePackage{BuildDepends: f.v}, deb.BuildFor{}); err != nil {
			return nil, fmt.Errorf("%s/debian/control: %s: %w", dir, f.name, err)
		}
	}
	return sp, nil
}

func readTreeFile(fsys fs.FS, dir, name string) ([]byte, error) {
	b, err := fs.ReadFile(fsys, path.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s", dir, name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", dir, name, err)
	}
	return b, nil
}
