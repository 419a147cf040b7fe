package rpm

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Universe is what a set of repositories offers one architecture: its
// packages and the noarch ones, indexed by name, capability and file.
type Universe struct {
	arch     string
	byName   map[string][]*Package
	provides map[string][]*Package
	files    map[string][]*Package
	all      []*Package
}

// NewUniverse indexes pkgs for arch ("x86_64", "aarch64"); packages of
// other architectures are left out (no multilib).
func NewUniverse(pkgs []Package, arch string) *Universe {
	u := &Universe{arch: arch, byName: map[string][]*Package{}, provides: map[string][]*Package{}, files: map[string][]*Package{}}
	for i := range pkgs {
		p := &pkgs[i]
		if p.Arch != arch && p.Arch != "noarch" {
			continue
		}
		u.all = append(u.all, p)
		u.byName[p.Name] = append(u.byName[p.Name], p)
		for _, d := range selfProvides(p) {
			if !slices.Contains(u.provides[d.Name], p) {
				u.provides[d.Name] = append(u.provides[d.Name], p)
			}
		}
		for _, f := range p.Files {
			u.files[f] = append(u.files[f], p)
		}
	}
	return u
}

// selfProvides is p's Provides with the "name = evr" rpm always adds.
func selfProvides(p *Package) []Dep {
	self := Dep{Name: p.Name, Op: "=", EVR: p.EVR}
	if slices.ContainsFunc(p.Provides, func(d Dep) bool { return d.Name == p.Name && d.Op == "=" }) {
		return p.Provides
	}
	return append(slices.Clip(p.Provides), self)
}

// resolution is one Resolve in progress.
type resolution struct {
	u     *Universe
	set   map[string]*Package // by name: one version of a name
	why   map[*Package]string // what pulled each package in
	queue []*Package
}

// Resolve returns the packages a fresh install of names needs, as dnf
// with install_weak_deps=False would install them, sorted by name. The
// choices are deterministic:
//
//   - a name asks for the package of that name (else a provider of that
//     capability), at its highest EVR, this architecture before noarch;
//   - an available package that obsoletes the choice replaces it, as dnf
//     installs the obsoleter;
//   - a requirement already met by a package in the set adds nothing;
//     else its providers are ranked: a package named as the capability
//     first, then by name, each at its highest EVR;
//   - "(A or B)" takes the first alternative that can be met;
//     "(A if B)" needs A when B is in the set as the requirement is met;
//     "with" and "without" narrow one provider;
//   - Recommends and the other weak relations are not followed;
//   - Conflicts and Obsoletes between packages of the result are errors
//     that name both.
func (u *Universe) Resolve(names []string) ([]Package, error) {
	r := &resolution{u: u, set: map[string]*Package{}, why: map[*Package]string{}}
	for _, n := range names {
		cands := u.byName[n]
		if len(cands) == 0 {
			cands = u.provides[n]
		}
		if len(cands) == 0 {
			return nil, fmt.Errorf("no package %s for %s%s", n, u.arch, u.nearName(n))
		}
		if err := r.add(u.replacement(best(cands, u.arch)), "requested"); err != nil {
			return nil, err
		}
	}
	for len(r.queue) > 0 {
		p := r.queue[0]
		r.queue = r.queue[1:]
		for _, req := range p.Requires {
			if strings.HasPrefix(req.Name, "rpmlib(") {
				continue // rpm's own features, which the rpm that installs has
			}
			if err := r.require(p, req); err != nil {
				return nil, err
			}
		}
	}
	if err := r.checkConflicts(); err != nil {
		return nil, err
	}
	out := make([]Package, 0, len(r.set))
	for _, p := range r.set {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// add puts p in the set, pulled in by why.
func (r *resolution) add(p *Package, why string) error {
	if q, ok := r.set[p.Name]; ok {
		if q == p {
			return nil
		}
		return fmt.Errorf("%s and %s would both be installed (%s; %s): one name, two versions", q.NEVRA(), p.NEVRA(), r.why[q], why)
	}
	r.set[p.Name] = p
	r.why[p] = why
	r.queue = append(r.queue, p)
	return nil
}

// require meets p's requirement req, adding a provider when the set has
// none.
func (r *resolution) require(p *Package, req Dep) error {
	why := fmt.Sprintf("%s requires %s", p.NEVRA(), req)
	if req.Rich() {
		expr, err := parseRich(req.Name)
		if err != nil {
			return fmt.Errorf("%s: %w", p.NEVRA(), err)
		}
		return r.meet(expr, why)
	}
	return r.meet(&rich{leaf: &req}, why)
}

// meet makes e true of the set, adding what it must.
func (r *resolution) meet(e *rich, why string) error {
	if r.holds(e) {
		return nil
	}
	switch e.op {
	case "":
		ps := r.u.ranked(*e.leaf)
		if len(ps) == 0 {
			return fmt.Errorf("%s, which nothing provides for %s%s", why, r.u.arch, r.u.nearVersions(*e.leaf))
		}
		return r.add(r.u.replacement(ps[0]), why)
	case "and":
		for _, a := range e.args {
			if err := r.meet(a, why); err != nil {
				return err
			}
		}
		return nil
	case "or":
		var first error
		for _, a := range e.args {
			if r.possible(a) {
				return r.meet(a, why)
			}
			if first == nil {
				first = r.meet(a, why)
			}
		}
		return first
	case "if":
		if r.holds(e.args[1]) {
			return r.meet(e.args[0], why)
		}
		if len(e.args) == 3 {
			return r.meet(e.args[2], why)
		}
		return nil
	case "unless":
		if !r.holds(e.args[1]) {
			return r.meet(e.args[0], why)
		}
		if len(e.args) == 3 {
			return r.meet(e.args[2], why)
		}
		return nil
	case "with", "without":
		ps := r.u.providersOf(e)
		if len(ps) == 0 {
			return fmt.Errorf("%s, which no single package meets for %s", why, r.u.arch)
		}
		return r.add(r.u.replacement(ps[0]), why)
	}
	return fmt.Errorf("%s: operator %q", why, e.op)
}

// holds reports whether the set meets e.
func (r *resolution) holds(e *rich) bool {
	switch e.op {
	case "":
		return slices.ContainsFunc(r.u.providers(*e.leaf), func(p *Package) bool { return r.set[p.Name] == p })
	case "and":
		return !slices.ContainsFunc(e.args, func(a *rich) bool { return !r.holds(a) })
	case "or":
		return slices.ContainsFunc(e.args, r.holds)
	case "if":
		if r.holds(e.args[1]) {
			return r.holds(e.args[0])
		}
		return len(e.args) < 3 || r.holds(e.args[2])
	case "unless":
		if !r.holds(e.args[1]) {
			return r.holds(e.args[0])
		}
		return len(e.args) < 3 || r.holds(e.args[2])
	case "with", "without":
		return slices.ContainsFunc(r.u.providersOf(e), func(p *Package) bool { return r.set[p.Name] == p })
	}
	return false
}

// possible reports whether e could be met from the universe at all.
func (r *resolution) possible(e *rich) bool {
	switch e.op {
	case "":
		return len(r.u.providers(*e.leaf)) > 0
	case "and":
		return !slices.ContainsFunc(e.args, func(a *rich) bool { return !r.possible(a) })
	case "or":
		return slices.ContainsFunc(e.args, r.possible)
	case "with", "without":
		return len(r.u.providersOf(e)) > 0
	}
	return true
}

// checkConflicts refuses a set in which a package conflicts with or
// obsoletes another.
func (r *resolution) checkConflicts() error {
	names := make([]string, 0, len(r.set))
	for n := range r.set {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := r.set[n]
		for kind, deps := range map[string][]Dep{"conflicts with": p.Conflicts, "obsoletes": p.Obsoletes} {
			for _, d := range deps {
				for _, q := range r.u.providers(d) {
					if q != p && r.set[q.Name] == q && (kind != "obsoletes" || q.Name == d.Name) {
						return fmt.Errorf("%s %s %s, but %s is in the set (%s): the two cannot be installed together", p.NEVRA(), kind, d, q.NEVRA(), r.why[q])
					}
				}
			}
		}
	}
	return nil
}

// providers lists what meets one relation: packages providing a
// capability that overlaps it, or owning the file it names.
func (u *Universe) providers(d Dep) []*Package {
	if strings.HasPrefix(d.Name, "/") {
		ps := slices.Clone(u.files[d.Name])
		for _, p := range u.provides[d.Name] {
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		return ps
	}
	var out []*Package
	for _, p := range u.provides[d.Name] {
		if slices.ContainsFunc(selfProvides(p), func(pr Dep) bool { return Overlap(pr, d) }) {
			out = append(out, p)
		}
	}
	return out
}

// providersOf lists the single packages meeting a "with" or "without"
// expression of leaves, ranked.
func (u *Universe) providersOf(e *rich) []*Package {
	if len(e.args) != 2 || e.args[0].leaf == nil || e.args[1].leaf == nil {
		return nil
	}
	second := u.providers(*e.args[1].leaf)
	var out []*Package
	for _, p := range u.ranked(*e.args[0].leaf) {
		if slices.Contains(second, p) == (e.op == "with") {
			out = append(out, p)
		}
	}
	return out
}

// ranked is providers(d) in the order Resolve prefers them: a package
// named as the capability first, then by name, each name's best version
// first.
func (u *Universe) ranked(d Dep) []*Package {
	ps := u.providers(d)
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.Name == d.Name) != (b.Name == d.Name) {
			return a.Name == d.Name
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return better(a, b, u.arch)
	})
	return ps
}

// best is the highest EVR of candidates, this architecture before noarch.
func best(cands []*Package, arch string) *Package {
	b := cands[0]
	for _, p := range cands[1:] {
		if better(p, b, arch) {
			b = p
		}
	}
	return b
}

func better(a, b *Package, arch string) bool {
	if c := CompareEVR(a.EVR, b.EVR); c != 0 {
		return c > 0
	}
	return a.Arch == arch && b.Arch != arch
}

// replacement is the available package that obsoletes p, as dnf installs
// it in p's place, or p.
func (u *Universe) replacement(p *Package) *Package {
	self := Dep{Name: p.Name, Op: "=", EVR: p.EVR}
	var obs []*Package
	for _, q := range u.all {
		if q.Name != p.Name && slices.ContainsFunc(q.Obsoletes, func(d Dep) bool { return Overlap(self, d) }) {
			obs = append(obs, q)
		}
	}
	if len(obs) == 0 {
		return p
	}
	sort.SliceStable(obs, func(i, j int) bool { return obs[i].Name < obs[j].Name })
	return best(u.byName[obs[0].Name], u.arch)
}

// nearName suggests available names for a missing one.
func (u *Universe) nearName(n string) string {
	for name := range u.byName {
		if strings.Contains(name, n) || strings.Contains(n, name) {
			return fmt.Sprintf(" (there is %s)", name)
		}
	}
	return ""
}

// nearVersions says which versions of d's name the universe has, when
// it has any: why a versioned requirement is not met.
func (u *Universe) nearVersions(d Dep) string {
	var have []string
	for _, p := range u.provides[d.Name] {
		for _, pr := range selfProvides(p) {
			if pr.Name == d.Name {
				have = append(have, fmt.Sprintf("%s provides %s", p.NEVRA(), pr))
			}
		}
	}
	if len(have) == 0 {
		return ""
	}
	sort.Strings(have)
	return " (" + strings.Join(have, "; ") + ")"
}
