package resolve

import (
	"container/heap"
	"slices"
	"sort"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// ConfigureOrder lists the closure so that every package comes after the
// packages satisfying its Pre-Depends and Depends, taking the smallest name
// among those ready. When only cycles are left, the cycle that waits for
// nothing else and holds the smallest name is broken: at its smallest name
// that waits for no Pre-Depends, or at its smallest name if each member
// does. The order is used to run maintainer scripts. It also works on a
// Result built by hand, say from a lockfile, matching relations by name
// only.
func (r *Result) ConfigureOrder() []*pkgs.Package {
	r = r.byName()
	g := r.graph()
	out := make([]*pkgs.Package, 0, len(r.Packages))
	ready := &nameHeap{}
	for i := range r.Packages {
		if g.pre[i]+g.dep[i] == 0 {
			heap.Push(ready, i)
		}
	}
	done := make([]bool, len(r.Packages))
	for len(out) < len(r.Packages) {
		var i int
		if ready.Len() > 0 {
			i = heap.Pop(ready).(int)
		} else {
			i = g.breakCycle(done)
			if i < 0 {
				break // cannot happen: a stuck graph has a cycle
			}
		}
		if done[i] {
			continue
		}
		done[i] = true
		out = append(out, r.Packages[i])
		for _, e := range g.users[i] {
			if g.release(e) && !done[e.from] {
				heap.Push(ready, e.from)
			}
		}
	}
	return out
}

// graph is the dependency graph of a closure, by index in Packages.
type graph struct {
	// pre and dep count each package's unmet Pre-Depends and Depends edges.
	pre, dep []int
	// users lists, for each package, the edges pointing at it; needs
	// lists the packages it points at.
	users [][]edge
	needs [][]int
}

// edge says that package from needs its target first.
type edge struct {
	from int
	pre  bool
}

// release marks edge e as met and reports whether its user is now ready.
func (g *graph) release(e edge) bool {
	if e.pre {
		g.pre[e.from]--
	} else {
		g.dep[e.from]--
	}
	return g.pre[e.from]+g.dep[e.from] == 0
}

// graph links each package to what satisfies its clauses in the closure;
// an edge is a Pre-Depends edge if any clause behind it is.
func (r *Result) graph() *graph {
	n := len(r.Packages)
	g := &graph{pre: make([]int, n), dep: make([]int, n), users: make([][]edge, n), needs: make([][]int, n)}
	s := r.selection()
	index := map[string]int{}
	for i, p := range r.Packages {
		index[p.Name] = i
	}
	for i, p := range r.Packages {
		targets := map[int]bool{} // target -> whether an edge to it is a Pre-Depends
		var order []int
		for _, d := range dependencies(p) {
			t := s.clauseSatisfier(d.alts)
			if t == nil || t.Name == p.Name {
				continue
			}
			j := index[t.Name]
			if _, seen := targets[j]; !seen {
				order = append(order, j)
			}
			targets[j] = targets[j] || d.pre
		}
		g.needs[i] = order
		for _, j := range order {
			g.users[j] = append(g.users[j], edge{i, targets[j]})
			if targets[j] {
				g.pre[i]++
			} else {
				g.dep[i]++
			}
		}
	}
	return g
}

// byName returns r with its packages sorted by name, as Resolve leaves
// them, so that the smallest index is the smallest name.
func (r *Result) byName() *Result {
	ps := slices.Clone(r.Packages)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return &Result{Packages: ps, u: r.u}
}

// universe is the universe r was resolved in. A Result built by hand, say
// from a lockfile, gets one of its own packages in which relations match by
// name and architecture only: its versions were consistent when it was
// resolved.
func (r *Result) universe() *Universe {
	if r.u != nil {
		return r.u
	}
	arch := ""
	for _, p := range r.Packages {
		if p.Arch != "all" {
			arch = p.Arch
			break
		}
	}
	return New(arch, nil, r.Packages)
}

// dependency is a Pre-Depends or Depends clause.
type dependency struct {
	alts pkgs.Alternatives
	pre  bool
}

// dependencies lists p's Pre-Depends, then its Depends.
func dependencies(p *pkgs.Package) []dependency {
	var out []dependency
	for _, c := range p.PreDepends {
		out = append(out, dependency{c, true})
	}
	for _, c := range p.Depends {
		out = append(out, dependency{c, false})
	}
	return out
}

// selection rebuilds the lookup state of a solver over the closure.
func (r *Result) selection() *solver {
	s := newSolver(r.universe(), false, nil, nil)
	for _, p := range r.Packages {
		s.selectPkg(p, "")
	}
	return s
}

// clauseSatisfier returns the selected package satisfying the first
// satisfiable alternative of c, or nil.
func (s *solver) clauseSatisfier(c pkgs.Alternatives) *pkgs.Package {
	for _, r := range c {
		if p := s.satisfier(r); p != nil {
			return p
		}
	}
	return nil
}

// nameHeap is a min-heap of indexes into a name-sorted slice, so the
// smallest index is the smallest name.
type nameHeap []int

func (h nameHeap) Len() int           { return len(h) }
func (h nameHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h nameHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nameHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *nameHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
