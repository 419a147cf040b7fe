package pkgsrc

import (
	"context"
	"fmt"
	"slices"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/internal/pkgs/resolve"
)

// A cross build's root holds two architectures, as sbuild's does after
// `dpkg --add-architecture HOST; apt-get build-dep -a HOST`: the build
// architecture's tools, and the host architecture's libraries the build
// links against. The resolver works on one architecture at a time, so a
// cross root is resolved in two passes:
//
//  1. the host's part: the build dependencies no Multi-Arch: foreign
//     package of the build architecture meets, plus sbuild's libc-dev and
//     libstdc++-dev, resolved among the host's packages;
//  2. the build's part: the request's packages, the other build
//     dependencies, and every package of pass 1 that is Multi-Arch:
//     foreign or "all" (dpkg takes the build architecture's for those).
//
// What remains of pass 1 must be Multi-Arch: same, whose instances dpkg
// installs side by side, at the same version as the build architecture's
// instance if there is one. Anything else cannot be installed beside the
// build architecture's packages, and the error says so.

// crossEssential is what sbuild adds for the host architecture.
var crossEssential = []string{"libc-dev", "libstdc++-dev"}

func (s *Source) resolveCross(ctx context.Context, req pkgs.Request) (*pkgs.Set, []lock.Repo, error) {
	build, err := s.universe(ctx, req, req.Arch)
	if err != nil {
		return nil, nil, err
	}
	host, err := s.universe(ctx, req, req.HostArch)
	if err != nil {
		return nil, nil, err
	}
	buildDeps, hostDeps, err := splitHost(req.Depends, req.HostArch, resolve.New(req.Arch, deb.CompareVersions, build.packages))
	if err != nil {
		return nil, nil, err
	}
	hostSet, err := host.resolve(s, req, resolve.Request{}, append(hostDeps, crossEssential...))
	if err != nil {
		return nil, nil, fmt.Errorf("the %s half of the cross build root: %w", req.HostArch, err)
	}
	rreq := resolveRequest(req)
	var same []pkgs.Locked
	for _, p := range hostSet.Packages {
		switch {
		case p.Arch == "all" || p.MultiArch == "foreign":
			if !slices.Contains(rreq.Install, p.Name) {
				rreq.Install = append(rreq.Install, p.Name)
			}
		case p.MultiArch == "same":
			same = append(same, p)
		default:
			return nil, nil, fmt.Errorf("a cross build needs %s %s for %s, which is not Multi-Arch: same, so it cannot be installed beside %s packages; build for %s under emulation (cross = False)",
				p.Name, p.Version, req.HostArch, req.Arch, req.HostArch)
		}
	}
	set, err := build.resolve(s, req, rreq, buildDeps)
	if err != nil {
		return nil, nil, err
	}
	native := map[string]pkgs.Locked{}
	for _, p := range set.Packages {
		native[p.Name] = p
	}
	for _, p := range same {
		if b, ok := native[p.Name]; ok && b.Arch != "all" && b.Version != p.Version {
			return nil, nil, fmt.Errorf("a cross build needs %s for %s at %s, but %s has %s: Multi-Arch: same packages are installed side by side only at one version",
				p.Name, req.HostArch, p.Version, req.Arch, b.Version)
		}
	}
	set.Packages = append(set.Packages, same...)
	return set, build.repos, nil
}

// splitHost sorts a cross build's dependency clauses: those qualified with
// the host architecture that no candidate of the build architecture meets
// (under the resolver's rule, a Multi-Arch: foreign one) go to the host,
// unqualified; the rest stay with the build architecture.
func splitHost(clauses []string, host string, build *resolve.Universe) (buildSide, hostSide []string, err error) {
	for _, c := range clauses {
		alts, err := deb.ParseRelations(c)
		if err != nil {
			return nil, nil, fmt.Errorf("build dependencies: %w", err)
		}
		for _, alt := range alts {
			if !qualified(alt, host) || build.Meets(alt) {
				buildSide = append(buildSide, alt.String())
				continue
			}
			h := append(pkgs.Alternatives(nil), alt...)
			for i := range h {
				if h[i].Arch == host {
					h[i].Arch = ""
				}
			}
			hostSide = append(hostSide, h.String())
		}
	}
	return buildSide, hostSide, nil
}

func qualified(alt pkgs.Alternatives, host string) bool {
	for _, r := range alt {
		if r.Arch == host {
			return true
		}
	}
	return false
}
