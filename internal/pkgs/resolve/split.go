package resolve

import "github.com/cairn-build/cairn/internal/pkgs"

// Split divides a closure in two for layered installs: first is what the
// request base pulls in (its seeds, matched by name in r, and everything
// they depend on in r), rest is the remainder. Both are in configure
// order, and first is closed under Pre-Depends and Depends, so it can be
// configured by itself and rest configured on top of it, as `apt install`
// does on an existing system.
//
// The point is caching: a recipe that adds a package to a rootfs changes
// rest only, and the configured first part is reused. When base selects
// nothing in r, or everything, rest is nil and first is the whole order.
func (r *Result) Split(base Request) (first, rest []*pkgs.Package) {
	order := r.ConfigureOrder()
	_, seeds, err := r.universe().seeds(base)
	if err != nil || len(seeds) == 0 {
		return order, nil
	}
	sorted := r.byName()
	g := sorted.graph()
	index := map[string]int{}
	for i, p := range sorted.Packages {
		index[p.Name] = i
	}
	in := make([]bool, len(sorted.Packages))
	var todo []int
	for _, s := range seeds {
		if i, ok := index[s.Name]; ok && !in[i] {
			in[i] = true
			todo = append(todo, i)
		}
	}
	for len(todo) > 0 {
		i := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, j := range g.needs[i] {
			if !in[j] {
				in[j] = true
				todo = append(todo, j)
			}
		}
	}
	for _, p := range order {
		if in[index[p.Name]] {
			first = append(first, p)
		} else {
			rest = append(rest, p)
		}
	}
	if len(first) == 0 || len(rest) == 0 {
		return order, nil
	}
	return first, rest
}
