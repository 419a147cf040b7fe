package iso9660

import (
	"fmt"
	"strings"
)

// volPlan is what one volume holds.
type volPlan struct {
	pieces []piece
	acc    *volAcc
}

// volAcc tracks the size bound of a volume being filled.
type volAcc struct {
	dirs   map[*node]*recCost // record bytes of each directory present
	sum    recCost            // path table and continuation bytes
	data   int64              // data sectors
	fixed  int64
	shared map[*node]bool // hard-link groups whose data is already here
	total  int64          // the bound, in sectors
}

// planner splits the tree's pieces over volumes of at most max sectors.
type planner struct {
	root     *node
	st       stamp
	max      int64 // sectors per volume
	maxBytes int64 // the limit as given
	manifest int64 // sectors reserved for the manifest on every volume
	boot     int64 // extra sectors of volume 1: boot record, catalog, hidden EFI image
	vols     []*volPlan
	nextIno  uint32
	costs    map[*node]recCost
}

// newVol opens a volume holding only its root and the manifest.
func (p *planner) newVol() *volPlan {
	a := &volAcc{dirs: map[*node]*recCost{}, shared: map[*node]bool{}}
	a.fixed = 16 + 3 + p.manifest
	if len(p.vols) == 0 {
		a.fixed += p.boot
	}
	root := dotCost(true)
	m := childCost(&node{kind: kindFile}, manifestName, p.manifest*sectorSize, p.st)
	root.iso, root.jol, root.ce = root.iso+m.iso, root.jol+m.jol, root.ce+m.ce
	a.dirs[p.root] = &recCost{iso: root.iso, jol: root.jol}
	a.sum = recCost{ce: root.ce, pt: root.pt, jpt: root.jpt}
	a.total = a.bound(nil)
	v := &volPlan{acc: a}
	p.vols = append(p.vols, v)
	return v
}

// delta is what adding one piece adds to a volume.
type delta struct {
	dirs  []*node
	add   []recCost
	sum   recCost
	data  int64
	share bool
}

// at adds c to directory d's records.
func (d *delta) at(dir *node, c recCost) {
	for i, n := range d.dirs {
		if n == dir {
			d.add[i].iso, d.add[i].jol = d.add[i].iso+c.iso, d.add[i].jol+c.jol
			d.sum.ce, d.sum.pt, d.sum.jpt = d.sum.ce+c.ce, d.sum.pt+c.pt, d.sum.jpt+c.jpt
			return
		}
	}
	d.dirs, d.add = append(d.dirs, dir), append(d.add, recCost{iso: c.iso, jol: c.jol})
	d.sum.ce, d.sum.pt, d.sum.jpt = d.sum.ce+c.ce, d.sum.pt+c.pt, d.sum.jpt+c.jpt
}

// delta computes what pc adds to volume a: its record, its data unless
// a hard link already brought it, and every directory on its way.
func (p *planner) delta(a *volAcc, pc piece) *delta {
	d := &delta{}
	n, dir := pc.node, pc.node.parent
	if n.kind == kindDir {
		dir = n
	} else {
		d.at(n.parent, p.cost(pc))
		d.share = pc.part == 0 && a.shared[n.leader]
		if n.kind == kindFile && !d.share {
			d.data = sectors(pc.size)
		}
	}
	for ; dir != nil && a.dirs[dir] == nil; dir = dir.parent {
		d.at(dir, dotCost(false))
		d.at(dir.parent, p.cost(piece{node: dir}))
	}
	return d
}

// cost is the record cost of a piece, cached for whole nodes.
func (p *planner) cost(pc piece) recCost {
	if pc.part != 0 {
		return childCost(pc.node, pc.name(), pc.size, p.st)
	}
	c, ok := p.costs[pc.node]
	if !ok {
		c = childCost(pc.node, pc.node.name, pc.node.size, p.st)
		p.costs[pc.node] = c
	}
	return c
}

// bound is the volume's size bound with d applied (nil for none).
func (a *volAcc) bound(d *delta) int64 {
	dirs, sum, data := int64(0), a.sum, a.data
	if d == nil {
		d = &delta{}
	}
	for _, c := range a.dirs {
		dirs += dirSectors(c.iso) + dirSectors(c.jol)
	}
	for i, n := range d.dirs {
		old := recCost{}
		if c := a.dirs[n]; c != nil {
			old = *c
			dirs -= dirSectors(c.iso) + dirSectors(c.jol)
		}
		dirs += dirSectors(old.iso+d.add[i].iso) + dirSectors(old.jol+d.add[i].jol)
	}
	sum.ce, sum.pt, sum.jpt = sum.ce+d.sum.ce, sum.pt+d.sum.pt, sum.jpt+d.sum.jpt
	return a.fixed + dirs + 2*sectors(sum.pt) + 2*sectors(sum.jpt) + ceSectors(sum.ce) + data + d.data
}

// place adds pc to v if it fits.
func (p *planner) place(v *volPlan, pc piece) bool {
	shared := pc.part == 0 && v.acc.shared[pc.node.leader]
	if !shared && v.acc.total+sectors(pc.size) > p.max {
		return false // the data alone does not fit
	}
	d := p.delta(v.acc, pc)
	total := v.acc.boundFast(d)
	if total > p.max {
		return false
	}
	v.acc.apply(d, total)
	if pc.node.kind == kindFile && pc.part == 0 {
		v.acc.shared[pc.node.leader] = true
	}
	v.pieces = append(v.pieces, pc)
	return true
}

// boundFast is bound for a volume whose total is cached: only the
// directories d touches are recomputed.
func (a *volAcc) boundFast(d *delta) int64 {
	t := a.total + d.data
	for i, n := range d.dirs {
		old := recCost{}
		if c := a.dirs[n]; c != nil {
			old = *c
		}
		t += dirSectors(old.iso+d.add[i].iso) + dirSectors(old.jol+d.add[i].jol)
		if a.dirs[n] != nil {
			t -= dirSectors(old.iso) + dirSectors(old.jol)
		}
	}
	s := a.sum
	t += 2*(sectors(s.pt+d.sum.pt)-sectors(s.pt)) + 2*(sectors(s.jpt+d.sum.jpt)-sectors(s.jpt))
	return t + ceSectors(s.ce+d.sum.ce) - ceSectors(s.ce)
}

// apply records d, whose bound is total.
func (a *volAcc) apply(d *delta, total int64) {
	for i, n := range d.dirs {
		c := a.dirs[n]
		if c == nil {
			c = &recCost{}
			a.dirs[n] = c
		}
		c.iso, c.jol = c.iso+d.add[i].iso, c.jol+d.add[i].jol
	}
	a.sum.ce, a.sum.pt, a.sum.jpt = a.sum.ce+d.sum.ce, a.sum.pt+d.sum.pt, a.sum.jpt+d.sum.jpt
	a.data += d.data
	a.total = total
}

// pinned reports whether n must go on volume 1.
func pinned(n *node, boot []*node, first []string) bool {
	for _, b := range boot {
		if n == b {
			return true
		}
	}
	for _, f := range first {
		if f == "" || n.path == f || strings.HasPrefix(n.path, f+"/") {
			return true
		}
	}
	return false
}

// errTooSmall explains the smallest useful volume size.
func (p *planner) errTooSmall(pc piece) error {
	saved := p.vols
	v := p.newVol()
	p.vols = saved
	need := v.acc.boundFast(p.delta(v.acc, piece{node: pc.node, size: min(pc.size, sectorSize), part: pc.part}))
	return p.errMinimum(need, pc.node.path)
}

// errMinimum reports a limit below need sectors, the least that holds
// the metadata and a sector of what.
func (p *planner) errMinimum(need int64, what string) error {
	return fmt.Errorf("max_volume_size %d is too small: a volume of this set needs %d bytes of descriptors, directories and manifest before it can hold a sector of %s; use at least %d", p.maxBytes, (need-1)*sectorSize, what, need*sectorSize)
}
