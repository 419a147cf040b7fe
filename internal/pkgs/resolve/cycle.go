package resolve

// breakCycle picks the package to place next when none is ready: in the
// strongly connected component of the waiting packages that needs nothing
// outside itself and holds the smallest name, the smallest name without an
// unmet Pre-Depends, else the smallest name. Indexes are in name order.
func (g *graph) breakCycle(done []bool) int {
	comp := g.components(done)
	leaves := g.leavesComponent(comp, done)
	best := -1
	for i := range done {
		if done[i] || leaves[comp[i]] {
			continue
		}
		if best < 0 || comp[i] == comp[best] && g.pre[best] > 0 && g.pre[i] == 0 {
			best = i
		}
	}
	return best
}

// leavesComponent reports, by component, whether an edge leaves it towards
// a waiting package.
func (g *graph) leavesComponent(comp []int, done []bool) map[int]bool {
	leaves := map[int]bool{}
	for j := range done {
		if done[j] {
			continue
		}
		for _, k := range g.needs[j] {
			if !done[k] && comp[k] != comp[j] {
				leaves[comp[j]] = true
			}
		}
	}
	return leaves
}

// components numbers the strongly connected components of the waiting
// packages (Tarjan's algorithm); done packages get -1.
func (g *graph) components(done []bool) []int {
	t := &tarjan{g: g, done: done, index: make([]int, len(done)), low: make([]int, len(done)),
		comp: make([]int, len(done)), onStack: make([]bool, len(done))}
	for i := range done {
		t.index[i], t.comp[i] = -1, -1
	}
	for i := range done {
		if !done[i] && t.index[i] < 0 {
			t.visit(i)
		}
	}
	return t.comp
}

// tarjan is the state of one run of Tarjan's algorithm.
type tarjan struct {
	g                *graph
	done, onStack    []bool
	index, low, comp []int
	stack            []int
	next, ncomp      int
}

func (t *tarjan) visit(v int) {
	t.index[v], t.low[v] = t.next, t.next
	t.next++
	t.stack = append(t.stack, v)
	t.onStack[v] = true
	for _, w := range t.g.needs[v] {
		switch {
		case t.done[w]:
		case t.index[w] < 0:
			t.visit(w)
			t.low[v] = min(t.low[v], t.low[w])
		case t.onStack[w]:
			t.low[v] = min(t.low[v], t.index[w])
		}
	}
	if t.low[v] != t.index[v] {
		return
	}
	for {
		w := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		t.onStack[w] = false
		t.comp[w] = t.ncomp
		if w == v {
			break
		}
	}
	t.ncomp++
}
