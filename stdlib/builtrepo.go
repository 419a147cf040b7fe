package stdlib

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// Repositories built by the recipe (repo.deb(tree = apt_repo(...))) have
// no index until they are built, and a rootfs() is resolved before
// anything is. Their packages are known well enough to resolve against:
// each deb_package() knows its source's binary packages (Package-List),
// their version (the source's, plus version_suffix) and architecture, so
// the file names in the tree follow (request.PoolPath). What is not known
// is their dependencies, which dpkg-shlibdeps computes during the build:
// they are checked, not resolved — the configure step's dpkg refuses a
// package whose dependencies the system lacks, naming them, and the
// recipe adds them to packages=.

// withCandidates returns n's repositories for arch with the candidates of
// the built ones filled in.
func (c *Compiler) withCandidates(n *rootfsNode, arch string) ([]pkgs.RepoSpec, error) {
	out := append([]pkgs.RepoSpec(nil), n.repos...)
	for i, spec := range out {
		tree := n.trees[spec.Name]
		if tree == nil {
			continue
		}
		repo := tree.node.(*aptRepoNode)
		var cands []*pkgs.Package
		for _, p := range repo.builtPackages() {
			cs, err := c.candidates(p, repo.component, arch)
			if err != nil {
				return nil, err
			}
			cands = append(cands, cs...)
		}
		if len(cands) == 0 {
			return nil, errAt(n.p, n.call, fmt.Errorf("repository %q (apt_repo at %s) builds no package for %s", spec.Name, repo.p, arch))
		}
		b, _ := json.Marshal(cands)
		sum := sha256.Sum256(b)
		out[i].Candidates, out[i].CandidatesSHA256 = cands, hex.EncodeToString(sum[:])
	}
	return out, nil
}

// candidates are the binary packages a deb_package() build makes that
// install on arch.
func (c *Compiler) candidates(p *debPackageNode, component, arch string) ([]*pkgs.Package, error) {
	sp, err := p.sourcePackage(c)
	if err != nil {
		return nil, err
	}
	bf, err := p.plan(c, sp)
	if err != nil {
		return nil, err
	}
	built := bf.host
	list := sp.PackageList
	if len(list) == 0 {
		for _, b := range sp.Binaries {
			list = append(list, pkgs.SourceBinary{Name: b, Type: "deb", Arch: sp.Architecture})
		}
	}
	version := sp.Version + p.suffix
	var out []*pkgs.Package
	for _, b := range list {
		if b.Type != "deb" {
			continue
		}
		pa := ""
		for _, a := range strings.Fields(b.Arch) {
			switch {
			case a == "all" && bf.All:
				pa = "all"
			case a != "all" && bf.Any && deb.ArchMatches(a, built):
				pa = built
			}
		}
		if pa == "" || (pa != "all" && pa != arch) {
			continue
		}
		file := request.PoolPath(component, sp.Name, request.DebFile(b.Name, version, pa))
		out = append(out, &pkgs.Package{Name: b.Name, Version: version, Arch: pa, Source: sp.Name, Filename: file})
	}
	return out, nil
}
