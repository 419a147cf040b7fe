package pkgsrc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/internal/pkgs/resolve"
)

// repoIndex is one repository's packages for one architecture (plus all).
type repoIndex struct {
	spec     pkgs.RepoSpec
	packages []*pkgs.Package
	sources  []*pkgs.SourcePackage // for the pseudo-architecture "source"
	lock     lock.Repo
}

// resolve fetches the request's repositories and runs the resolver.
func (s *Source) resolve(ctx context.Context, req pkgs.Request) (*pkgs.Set, []lock.Repo, error) {
	if req.HostArch != "" && req.HostArch != req.Arch {
		return s.resolveCross(ctx, req)
	}
	u, err := s.universe(ctx, req, req.Arch)
	if err != nil {
		return nil, nil, err
	}
	set, err := u.resolve(s, req, resolveRequest(req), req.Depends)
	return set, u.repos, err
}

// A universe is the request's repositories for one architecture.
type universe struct {
	arch     string
	packages []*pkgs.Package
	origin   map[string]pkgs.RepoSpec // by Package.Repo
	repos    []lock.Repo
}

func (s *Source) universe(ctx context.Context, req pkgs.Request, arch string) (*universe, error) {
	u := &universe{arch: arch, origin: map[string]pkgs.RepoSpec{}}
	for _, spec := range req.Repos {
		idx, err := s.index(ctx, spec, arch)
		if err != nil {
			return nil, err
		}
		for _, p := range idx.packages {
			u.origin[p.Repo] = spec
		}
		u.packages = append(u.packages, idx.packages...)
		u.repos = append(u.repos, idx.lock)
	}
	s.noteNewer(u.packages, u.origin)
	u.packages = s.preferLocked(u.packages)
	return u, nil
}

// resolve runs the resolver on u for rreq plus the dependency clauses
// depends (through a dummy package, as apt-get build-dep does).
func (u *universe) resolve(s *Source, req pkgs.Request, rreq resolve.Request, depends []string) (*pkgs.Set, error) {
	all := u.packages
	if len(depends) > 0 {
		dummy, err := dependsPackage(depends, u.arch)
		if err != nil {
			return nil, err
		}
		all = append(all[:len(all):len(all)], dummy)
		rreq.Install = append(rreq.Install, dummy.Name)
	}
	res, err := resolve.New(u.arch, deb.CompareVersions, all).Resolve(rreq)
	if err != nil {
		return nil, err
	}
	set := &pkgs.Set{}
	first, rest := res.Split(resolveRequest(pkgs.Request{Variant: req.Variant}))
	first, rest = withoutDepends(first), withoutDepends(rest)
	if len(rest) > 0 {
		set.Base = len(first)
	}
	for _, p := range append(first, rest...) {
		spec := u.origin[p.Repo]
		l := pkgs.Locked{Repo: spec.Name, Suite: spec.Suite, Arch: p.Arch, Name: p.Name, Version: p.Version,
			Filename: p.Filename, Size: p.Size, SHA256: p.SHA256, MultiArch: p.MultiArch}
		l.URL = s.urlOf(req, l)
		set.Packages = append(set.Packages, l)
	}
	return set, nil
}

// withoutDepends drops the stand-in for a request's Depends (dependsName).
func withoutDepends(ps []*pkgs.Package) []*pkgs.Package {
	out := ps[:0:0]
	for _, p := range ps {
		if p.Name != dependsName {
			out = append(out, p)
		}
	}
	return out
}

// resolveRequest maps a variant to the resolver's seeds, as mmdebstrap
// defines the variants.
func resolveRequest(req pkgs.Request) resolve.Request {
	r := resolve.Request{Install: append([]string(nil), req.Packages...)}
	switch req.Variant {
	case "files":
		r.FilesOnly, r.Follow = true, req.Follow
	case "essential":
		r.Essential = true
	case "minbase", "required":
		r.Essential, r.Priorities = true, []string{"required"}
		r.Install = append(r.Install, "apt")
	case "important":
		r.Essential, r.Priorities = true, []string{"required", "important"}
		r.Install = append(r.Install, "apt")
	case "standard":
		r.Essential, r.Priorities = true, []string{"required", "important", "standard"}
		r.Install = append(r.Install, "apt")
	}
	return r
}

// preferLocked keeps, for each locked package not being updated, only its
// locked version when the repositories still carry it: `cairn lock` moves
// nothing the user did not ask to move.
func (s *Source) preferLocked(all []*pkgs.Package) []*pkgs.Package {
	if s.cfg.Fresh || s.cfg.Lock == nil {
		return all
	}
	want := map[string]string{}
	for _, p := range s.cfg.Lock.Packages {
		want[p.Name+":"+p.Arch] = p.Version
	}
	for _, u := range s.cfg.Update {
		for k := range want {
			if strings.HasPrefix(k, u+":") {
				delete(want, k)
			}
		}
	}
	have := map[string]bool{}
	for _, p := range all {
		if want[p.ID()] == p.Version {
			have[p.ID()] = true
		}
	}
	out := all[:0:0]
	for _, p := range all {
		if v, ok := want[p.ID()]; ok && have[p.ID()] && v != p.Version {
			continue
		}
		out = append(out, p)
	}
	return out
}

// index fetches, verifies and parses one repository for one architecture,
// once per Source.
func (s *Source) index(ctx context.Context, spec pkgs.RepoSpec, arch string) (*repoIndex, error) {
	if spec.Built() {
		return builtIndex(spec, arch), nil
	}
	mirror, err := s.mirror(spec)
	if err != nil {
		return nil, err
	}
	return s.indexOnce(indexKey(spec, mirror, arch), func() (*repoIndex, error) { return s.fetch(ctx, spec, mirror, arch) })
}

// indexKey identifies one repository's indexes for one architecture.
func indexKey(spec pkgs.RepoSpec, mirror, arch string) string {
	return strings.Join([]string{mirror, spec.Suite, strings.Join(spec.Components, ","), arch, spec.KeyringSHA256,
		fmt.Sprint(spec.IgnoreDate, spec.IgnoreValidUntil)}, " ")
}

// repo is what the metadata client fetches for spec and arch.
func (s *Source) repo(spec pkgs.RepoSpec, mirror, arch string) (debrepo.Repo, error) {
	r := debrepo.Repo{Name: spec.Name, Mirror: mirror, Suite: spec.Suite, Components: spec.Components, Arches: []string{arch},
		IgnoreDate: spec.IgnoreDate, IgnoreValidUntil: spec.IgnoreValidUntil}
	var err error
	r.Keyring, r.KeyringName, err = s.keyring(spec)
	return r, err
}

// repoLock is the lockfile's record of the verified metadata.
func repoLock(spec pkgs.RepoSpec, ix *debrepo.Indexes) lock.Repo {
	return lock.Repo{Name: spec.Name, Suite: spec.Suite, Snapshot: spec.Snapshot,
		Release: ix.ReleaseSHA256, Date: ix.Release.Date, Signer: fingerprint(ix.Signer)}
}

func (s *Source) fetch(ctx context.Context, spec pkgs.RepoSpec, mirror, arch string) (*repoIndex, error) {
	return s.fetchParsed(ctx, spec, mirror, arch, func(out *repoIndex, data []byte, display string) error {
		ps, err := deb.ParsePackages(bytes.NewReader(data), display)
		out.packages = append(out.packages, ps...)
		return err
	})
}

// fetchParsed fetches and verifies one repository's indexes for arch and
// hands each, decompressed, to parse with its name for messages
// ("debian bookworm/main amd64").
func (s *Source) fetchParsed(ctx context.Context, spec pkgs.RepoSpec, mirror, arch string, parse func(out *repoIndex, data []byte, display string) error) (*repoIndex, error) {
	r, err := s.repo(spec, mirror, arch)
	if err != nil {
		return nil, err
	}
	ix, err := s.cfg.Client.Fetch(ctx, r)
	if err != nil {
		return nil, err
	}
	out := &repoIndex{spec: spec, lock: repoLock(spec, ix)}
	for _, f := range ix.Files {
		if err := parse(out, f.Data, fmt.Sprintf("%s %s/%s %s", spec.Name, spec.Suite, f.Component, f.Arch)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Source) keyring(spec pkgs.RepoSpec) (openpgp.EntityList, string, error) {
	data, name := spec.KeyringData, spec.Keyring
	if len(data) == 0 {
		data, name = s.cfg.HostKeyring, s.cfg.HostKeyringName
	}
	if len(data) == 0 {
		return nil, "", errNoKeyring(spec)
	}
	kr, err := debrepo.ReadKeyring(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: keyring %s (sha256 %x): %w", spec.Name, name, sha256.Sum256(data), err)
	}
	return kr, name, nil
}

// fingerprint keeps the key fingerprint of a signer description
// ("FPR user id"): the lockfile records which key, not whose mail address.
func fingerprint(signer string) string {
	fpr, _, _ := strings.Cut(signer, " ")
	return fpr
}

// dependsName names the package that stands for a request's Depends while
// resolving, as sbuild's and apt-get build-dep's dummy packages do; it
// never reaches the answer.
const dependsName = "cairn-build-depends"

func dependsPackage(depends []string, arch string) (*pkgs.Package, error) {
	deps, err := deb.ParseRelations(strings.Join(depends, ", "))
	if err != nil {
		return nil, fmt.Errorf("build dependencies: %w", err)
	}
	return &pkgs.Package{Name: dependsName, Version: "0", Arch: arch, Depends: deps, Repo: "build dependencies"}, nil
}

// builtIndex is a repository the recipe builds: its candidates for arch
// (and "all"), recorded in the lock by their digest instead of a Release.
func builtIndex(spec pkgs.RepoSpec, arch string) *repoIndex {
	out := &repoIndex{spec: spec, lock: lock.Repo{Name: spec.Name, Suite: spec.Suite, Release: spec.CandidatesSHA256, Signer: "built by the recipe"}}
	for _, p := range spec.Candidates {
		if p.Arch == arch || p.Arch == "all" {
			c := *p
			c.Repo = spec.Name + " " + spec.Suite + " (built)"
			out.packages = append(out.packages, &c)
		}
	}
	return out
}
