package resolve

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// Universe is every package a resolution may choose from, indexed for one
// native architecture. It is read-only after New and safe for concurrent
// Resolve calls.
type Universe struct {
	arch    string
	compare func(a, b string) int
	// versions holds the usable packages of each name, best first: the
	// first is the candidate.
	versions map[string][]*pkgs.Package
	// providers lists, for a name, the packages of any version whose
	// Provides name it, in a stable order.
	providers map[string][]*pkgs.Package
	// repos is the sorted set of repositories, for messages.
	repos []string
	// names are the real names in order.
	names []string

	// Computed when first needed, which many resolutions never do.
	allNamesOnce sync.Once
	allNames     []string // real and virtual names, for suggestions
	mentionOnce  sync.Once
	mention      map[string]int // apt's package id order, see mentions
}

// New indexes candidates for one native architecture. packages may come
// from several repositories and contain several versions of a name; the
// candidate of a name is its highest version (apt's default policy with
// equal pin priorities) among packages whose Arch is arch or "all". Other
// architectures are ignored: foreign-architecture co-installation is not
// supported yet. The result does not depend on the order of packages.
func New(arch string, compare func(a, b string) int, packages []*pkgs.Package) *Universe {
	u := &Universe{
		arch:      arch,
		compare:   compare,
		versions:  make(map[string][]*pkgs.Package),
		providers: make(map[string][]*pkgs.Package),
	}
	repos := map[string]bool{}
	for _, p := range packages {
		if p == nil || (p.Arch != arch && p.Arch != "all") {
			continue
		}
		u.versions[p.Name] = append(u.versions[p.Name], p)
		repos[p.Repo] = true
		u.indexProvides(p)
	}
	for _, vs := range u.versions {
		sort.Slice(vs, func(i, j int) bool { return u.better(vs[i], vs[j]) })
	}
	for _, ps := range u.providers {
		sort.Slice(ps, func(i, j int) bool { return u.before(ps[i], ps[j]) })
	}
	u.repos = sortedKeys(repos)
	for name := range u.versions {
		u.names = append(u.names, name)
	}
	sort.Strings(u.names)
	return u
}

// everyName lists the real and the virtual names in order.
func (u *Universe) everyName() []string {
	u.allNamesOnce.Do(func() {
		set := map[string]bool{}
		for name := range u.versions {
			set[name] = true
		}
		for name := range u.providers {
			set[name] = true
		}
		u.allNames = sortedKeys(set)
	})
	return u.allNames
}

// indexProvides records p under each name it provides for this
// architecture, once per name.
func (u *Universe) indexProvides(p *pkgs.Package) {
	seen := map[string]bool{}
	for _, r := range p.Provides {
		if !u.nativeQualifier(r.Arch) || seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		u.providers[r.Name] = append(u.providers[r.Name], p)
	}
}

// nativeQualifier reports whether an architecture qualifier of a Provides
// entry names this universe's packages.
func (u *Universe) nativeQualifier(a string) bool {
	return a == "" || a == "any" || a == "native" || a == u.arch
}

// Candidate returns the package a resolution would install for name, or
// nil if there is none. Virtual names have no candidate.
func (u *Universe) Candidate(name string) *pkgs.Package {
	if vs := u.versions[name]; len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// better orders two packages of one name, best first: higher version, then
// a stable order of the rest of their identity.
func (u *Universe) better(a, b *pkgs.Package) bool {
	if u.compare != nil {
		if c := u.compare(a.Version, b.Version); c != 0 {
			return c > 0
		}
	}
	return identityLess(a, b)
}

// before orders any two packages: by name, then best first.
func (u *Universe) before(a, b *pkgs.Package) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return u.better(a, b)
}

// identityLess is a total order on what else tells packages apart, so that
// equal versions never leave the choice to the input order. Entries alike
// in all of that are told apart by their whole content.
func identityLess(a, b *pkgs.Package) bool {
	return cmp.Or(
		strings.Compare(a.Version, b.Version),
		strings.Compare(a.Arch, b.Arch),
		strings.Compare(a.Repo, b.Repo),
		strings.Compare(a.Filename, b.Filename),
		strings.Compare(a.SHA256, b.SHA256),
		strings.Compare(fmt.Sprint(*a), fmt.Sprint(*b)),
	) < 0
}

// version finds the package of name with exactly version v.
func (u *Universe) version(name, v string) *pkgs.Package {
	for _, p := range u.versions[name] {
		if p.Version == v {
			return p
		}
	}
	return nil
}

// repoList names the repositories of the universe for a message.
func (u *Universe) repoList() string {
	if len(u.repos) == 0 {
		return "an empty package set"
	}
	return strings.Join(u.repos, ", ")
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
