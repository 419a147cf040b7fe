// Package pkgsrc answers a recipe's package requests: from cairn.lock when
// it covers them, otherwise from the repositories' signed indexes through
// the resolver. It is the one place that knows the order of those steps,
// so `cairn build`, `cairn lock` and the frontend behave the same.
//
// A Source remembers every answer it gives; `cairn lock` turns them into the
// lockfile, checking that targets sharing a package agree on its version.
package pkgsrc

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
)

// Config says where answers come from.
type Config struct {
	// Lock is the current lockfile, nil when there is none.
	Lock *lock.File
	// Locked forbids answers the lock does not hold (`--locked`).
	Locked bool
	// Fresh ignores the lock and resolves everything anew (`lock --update`).
	Fresh bool
	// Update names packages to re-resolve even when locked (`lock --update
	// PKG`); every other package keeps its locked version when the
	// repositories still carry it.
	Update []string
	// Restage re-resolves locked answers that record no base stage
	// (pkgs.Set.Base), keeping their versions where the repositories
	// still carry them: `cairn lock` brings a lockfile written before
	// layered installs up to date without moving a package.
	Restage bool
	// Mirrors maps repository names to URLs (`--mirror NAME=URL`).
	Mirrors map[string]string
	// Host is the host's apt sources: the default mirror per suite.
	Host []debrepo.Source
	// HostKeyring is the default keyring's content and name.
	HostKeyring     []byte
	HostKeyringName string
	// Client fetches and caches repository metadata.
	Client *debrepo.Client
}

// Source implements pkgs.Source. It is safe for concurrent use.
type Source struct {
	cfg     Config
	mu      sync.Mutex
	indexes map[string]*once[*repoIndex]
	answers map[string]*answer
	sources map[string]*sourceAnswer
	// newer are locked packages offered in newer versions (newer.go).
	newer map[string]Newer
}

type answer struct {
	req     pkgs.Request
	targets map[string]bool
	set     *pkgs.Set
	repos   []lock.Repo
}

// New returns a Source.
func New(cfg Config) *Source {
	return &Source{cfg: cfg, indexes: map[string]*once[*repoIndex]{}, answers: map[string]*answer{},
		sources: map[string]*sourceAnswer{}}
}

// Resolve answers one request.
func (s *Source) Resolve(ctx context.Context, req pkgs.Request) (*pkgs.Set, error) {
	key := req.Key()
	if set, repos, ok := s.fromLock(req, key); ok {
		return s.remember(req, key, set, repos), nil
	}
	if s.cfg.Locked {
		return nil, errNotLocked(req)
	}
	set, repos, err := s.resolve(ctx, req)
	if err != nil {
		return nil, err
	}
	return s.remember(req, key, set, repos), nil
}

func (s *Source) remember(req pkgs.Request, key string, set *pkgs.Set, repos []lock.Repo) *pkgs.Set {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.answers[key]
	if a == nil {
		a = &answer{req: req, targets: map[string]bool{}, set: set, repos: repos}
		s.answers[key] = a
	}
	if req.Target != "" {
		a.targets[req.Target] = true
	}
	return a.set
}

// fromLock answers from the lockfile, unless told not to.
func (s *Source) fromLock(req pkgs.Request, key string) (*pkgs.Set, []lock.Repo, bool) {
	if s.cfg.Fresh || s.cfg.Lock == nil {
		return nil, nil, false
	}
	names := make([]string, len(req.Repos))
	for i, spec := range req.Repos {
		names[i] = spec.Name
	}
	locked, ok := s.cfg.Lock.Lookup(key, names...)
	if !ok || s.updates(locked.Packages) || s.restage(req, locked) {
		return nil, nil, false
	}
	set := &pkgs.Set{Packages: make([]pkgs.Locked, len(locked.Packages)), Base: locked.Base}
	for i, p := range locked.Packages {
		p.URL = s.urlOf(req, p)
		set.Packages[i] = p
	}
	return set, s.lockRepos(req), true
}

// restage reports whether a locked answer should be re-resolved for its
// base stage: only sets that are configured, of a variant with a base.
func (s *Source) restage(req pkgs.Request, locked *pkgs.Set) bool {
	return s.cfg.Restage && locked.Base == 0 && len(req.Packages)+len(req.Depends) > 0 &&
		req.Variant != "files" && req.Variant != "none"
}

// updates reports whether a locked answer holds a package named by Update.
func (s *Source) updates(locked []pkgs.Locked) bool {
	for _, p := range locked {
		for _, u := range s.cfg.Update {
			if p.Name == u {
				return true
			}
		}
	}
	return false
}

func (s *Source) lockRepos(req pkgs.Request) []lock.Repo {
	var out []lock.Repo
	for _, r := range s.cfg.Lock.Repos {
		for _, spec := range req.Repos {
			if r.Name == spec.Name && r.Suite == spec.Suite && r.Snapshot == spec.Snapshot {
				out = append(out, r)
			}
		}
	}
	return out
}

// urlOf is where a locked package is fetched from on this machine; empty
// when no mirror is configured (the compiler then says so).
func (s *Source) urlOf(req pkgs.Request, p pkgs.Locked) string {
	for _, spec := range req.Repos {
		if spec.Name == p.Repo && spec.Suite == p.Suite {
			m, err := s.mirror(spec)
			if err != nil {
				return ""
			}
			return m + "/" + p.Filename
		}
	}
	return ""
}

// mirror is the URL a repository is read from: --mirror, then the recipe's
// own, then the host's apt sources.
func (s *Source) mirror(spec pkgs.RepoSpec) (string, error) {
	m := s.cfg.Mirrors[spec.Name]
	if m == "" {
		m = spec.Mirror
	}
	if m == "" {
		var ok bool
		if m, ok = debrepo.MirrorFor(s.cfg.Host, spec.Suite); !ok {
			return "", errNoMirror(spec)
		}
	}
	if spec.Snapshot != "" {
		if !strings.Contains(m, "{snapshot}") {
			return "", errSnapshotMirror(spec, m)
		}
		m = strings.ReplaceAll(m, "{snapshot}", spec.Snapshot)
	}
	return strings.TrimSuffix(m, "/"), nil
}

// Lockfile renders every answer given so far as a lockfile, failing when
// two targets got different versions of one package.
func (s *Source) Lockfile() (*lock.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &lock.File{Version: lock.FormatVersion}
	if err := s.checkShared(); err != nil {
		return nil, err
	}
	pkgSeen, repoSeen := map[string]bool{}, map[string]bool{}
	keys := make([]string, 0, len(s.answers))
	for k := range s.answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := s.answers[k]
		f.Requests = append(f.Requests, requestEntry(k, a))
		for _, p := range a.set.Packages {
			if id := lock.ID(p) + " " + p.Repo + " " + p.Suite; !pkgSeen[id] {
				pkgSeen[id] = true
				f.Packages = append(f.Packages, p)
			}
		}
		for _, r := range a.repos {
			if id := r.Name + " " + r.Suite + " " + r.Snapshot; !repoSeen[id] {
				repoSeen[id] = true
				f.Repos = append(f.Repos, r)
			}
		}
	}
	s.sourceEntries(f, repoSeen)
	f.Sort()
	return f, nil
}

func requestEntry(key string, a *answer) lock.Request {
	r := lock.Request{Key: key, Arch: a.req.Arch, Variant: a.req.Variant, Packages: a.req.Packages, Depends: a.req.Depends, HostArch: a.req.HostArch}
	if r.Packages == nil {
		r.Packages = []string{}
	}
	for t := range a.targets {
		r.Targets = append(r.Targets, t)
	}
	for _, spec := range a.req.Repos {
		r.Repos = append(r.Repos, strings.TrimSpace(spec.Name+" "+spec.Suite+" "+strings.Join(spec.Components, ",")+" "+spec.Snapshot))
	}
	for _, p := range a.set.Packages {
		r.Install = append(r.Install, lock.ID(p))
	}
	r.Base = a.set.Base
	return r
}

// checkShared enforces one version per package and architecture across
// all answers: an ISO and a container image built from overlapping
// package lists must agree.
func (s *Source) checkShared() error {
	type use struct {
		version string
		targets []string
		pos     string
	}
	seen := map[string]use{}
	for _, a := range s.sortedAnswers() {
		for _, p := range a.set.Packages {
			id := p.Name + ":" + p.Arch
			u, ok := seen[id]
			if !ok {
				seen[id] = use{p.Version, targetsOf(a), a.req.Pos}
				continue
			}
			if u.version != p.Version {
				return errVersionSplit(id, u.version, u.targets, u.pos, p.Version, targetsOf(a), a.req.Pos)
			}
		}
	}
	return nil
}

func (s *Source) sortedAnswers() []*answer {
	out := make([]*answer, 0, len(s.answers))
	for _, a := range s.answers {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].req.Key() < out[j].req.Key() })
	return out
}

func targetsOf(a *answer) []string {
	out := make([]string, 0, len(a.targets))
	for t := range a.targets {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// once runs a function once per key and shares its result.
type once[T any] struct {
	done chan struct{}
	v    T
	err  error
}

func (s *Source) indexOnce(key string, fn func() (*repoIndex, error)) (*repoIndex, error) {
	s.mu.Lock()
	o, ok := s.indexes[key]
	if !ok {
		o = &once[*repoIndex]{done: make(chan struct{})}
		s.indexes[key] = o
	}
	s.mu.Unlock()
	if !ok {
		o.v, o.err = fn()
		close(o.done)
	}
	<-o.done
	return o.v, o.err
}

func describe(req pkgs.Request) string {
	return fmt.Sprintf("%s for %s (variant %s, packages %s)", callOf(req), req.Arch, req.Variant, strings.Join(req.Packages, " "))
}

// callOf names the builtin that made req, for messages.
func callOf(req pkgs.Request) string {
	if req.Call == "" {
		return "rootfs"
	}
	return req.Call
}
