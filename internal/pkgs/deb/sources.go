package deb

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// ParseSources reads a whole Sources index into the source package model,
// copying repo into each SourcePackage.Repo (the caller sets Suite). Like
// ParsePackages it skips nothing: a paragraph without Package, Version,
// Directory or a valid Checksums-Sha256 fails the index.
func ParseSources(r io.Reader, repo string) ([]*pkgs.SourcePackage, error) {
	return parseIndex(r, repo, func(p *Paragraph, repo string) (*pkgs.SourcePackage, error) {
		sp, err := SourceFromParagraph(p, repo)
		if err != nil {
			return nil, errParagraph(repo, p.Line(), err)
		}
		return sp, nil
	})
}

// SourceFromParagraph converts one Sources paragraph. A .dsc paragraph
// (Source: instead of Package:, no Directory) is read too, with Directory
// left empty.
func SourceFromParagraph(p *Paragraph, repo string) (*pkgs.SourcePackage, error) {
	sp := &pkgs.SourcePackage{Repo: repo, Name: p.Get("Package"), Version: p.Get("Version"),
		Format: p.Get("Format"), Architecture: strings.Join(strings.Fields(p.Get("Architecture")), " "),
		Directory:         p.Get("Directory"),
		BuildDepends:      oneLine(p.Get("Build-Depends")),
		BuildDependsArch:  oneLine(p.Get("Build-Depends-Arch")),
		BuildDependsIndep: oneLine(p.Get("Build-Depends-Indep"))}
	if sp.Name == "" {
		sp.Name = p.Get("Source")
	}
	if sp.Name == "" {
		return nil, errMissing("Package")
	}
	if err := checkPackageName(sp.Name); err != nil {
		return nil, errField("Package", err)
	}
	if sp.Version == "" {
		return nil, errMissing("Version")
	}
	if err := ValidVersion(sp.Version); err != nil {
		return nil, errField("Version", err)
	}
	for _, b := range strings.Split(p.Get("Binary"), ",") {
		if b = strings.TrimSpace(b); b != "" {
			sp.Binaries = append(sp.Binaries, b)
		}
	}
	var err error
	if sp.PackageList, err = packageList(p.Lines("Package-List")); err != nil {
		return nil, errField("Package-List", err)
	}
	if sp.Files, err = sourceFiles(p.Lines("Checksums-Sha256")); err != nil {
		return nil, errField("Checksums-Sha256", err)
	}
	for _, f := range []struct{ name, v string }{{"Build-Depends", sp.BuildDepends},
		{"Build-Depends-Arch", sp.BuildDependsArch}, {"Build-Depends-Indep", sp.BuildDependsIndep}} {
		if _, err := ParseRelations(f.v); err != nil {
			return nil, errField(f.name, err)
		}
	}
	return sp, nil
}

// sourceFiles reads Checksums-Sha256 lines: "sha256 size name".
func sourceFiles(lines []string) ([]pkgs.SourceFile, error) {
	var out []pkgs.SourceFile
	for _, l := range lines {
		w := strings.Fields(l)
		if len(w) == 0 {
			continue
		}
		if len(w) != 3 || !isSHA256(w[0]) || strings.ContainsAny(w[2], "/\\") || w[2] == ".." {
			return nil, fmt.Errorf("line %q: want \"SHA256 SIZE NAME\" with a plain file name", l)
		}
		size, err := strconv.ParseInt(w[1], 10, 64)
		if err != nil || size < 0 {
			return nil, fmt.Errorf("line %q: size %q is not a number", l, w[1])
		}
		out = append(out, pkgs.SourceFile{Name: w[2], Size: size, SHA256: w[0]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no files")
	}
	return out, nil
}

// packageList reads Package-List lines: "name type section priority
// key=value...", of which arch= matters ("arch=any,all" lists several).
func packageList(lines []string) ([]pkgs.SourceBinary, error) {
	var out []pkgs.SourceBinary
	for _, l := range lines {
		w := strings.Fields(l)
		if len(w) == 0 {
			continue
		}
		if len(w) < 4 {
			return nil, fmt.Errorf("line %q: want \"NAME TYPE SECTION PRIORITY [arch=...]\"", l)
		}
		b := pkgs.SourceBinary{Name: w[0], Type: w[1]}
		for _, kv := range w[4:] {
			if v, ok := strings.CutPrefix(kv, "arch="); ok {
				b.Arch = strings.ReplaceAll(v, ",", " ")
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// oneLine joins a folded field into one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
