package iso9660

import (
	"fmt"
	"strings"
)

// items lists what must be placed: every file and symlink, and every
// empty directory (other directories come with their contents), in
// depth-first name order.
func items(root *node) []piece {
	var out []piece
	walkNodes(root, func(n *node) {
		if n != root && (n.kind != kindDir || len(n.children) == 0) {
			out = append(out, piece{node: n, size: n.size})
		}
	})
	return out
}

// plan decides what each volume holds: everything on one volume when it
// fits, else a volume set packed under the size limit.
func (s *set) plan() error {
	all := items(s.root)
	s.plans = []*volPlan{{pieces: all}}
	if s.opts.MaxVolumeSize == 0 {
		return nil
	}
	limit := s.opts.MaxVolumeSize / sectorSize
	v, err := s.build(1, 1, all)
	if err != nil || v.total <= limit {
		return err
	}
	if err := s.checkManifestPaths(); err != nil {
		return err
	}
	return s.planSet(all, limit)
}

// planSet packs a volume set, growing the space reserved for the
// manifest until the manifest fits it.
func (s *set) planSet(all []piece, limit int64) error {
	idLen := len(s.opts.VolumeSetID)
	if idLen == 0 {
		idLen = derivedSetIDLen
	}
	reserve := sectors(int64(len(planManifest(idLen, []string{s.opts.VolumeID}, []*volPlan{{pieces: all}}).bytes())))
	for {
		p := &planner{root: s.root, st: s.st, max: limit, maxBytes: s.opts.MaxVolumeSize, manifest: reserve, boot: s.bootSectors(),
			nextIno: s.maxIno, costs: map[*node]recCost{}}
		if err := p.run(all, s.pins(all)); err != nil {
			return err
		}
		ids := make([]string, len(p.vols))
		for i := range ids {
			ids[i] = volumeID(s.opts.VolumeID, i+1)
		}
		m := planManifest(idLen, ids, p.vols)
		size := int64(len(m.bytes()))
		if need := sectors(size); need > reserve {
			reserve = need
			continue
		}
		s.plans, s.manifestSize, s.manifestIno = p.vols, size, p.nextIno+1
		return nil
	}
}

// checkManifestPaths rejects names the line-based manifest cannot carry.
func (s *set) checkManifestPaths() (err error) {
	walkNodes(s.root, func(n *node) {
		if err == nil && strings.ContainsAny(n.path, "\n\r") {
			err = fmt.Errorf("%q has a line break in its name, which the volume set manifest cannot list; rename it or drop max_volume_size", n.path)
		}
	})
	return err
}

// pins marks the items that must go on volume 1.
func (s *set) pins(all []piece) []bool {
	var boot []*node
	for _, n := range []*node{s.bios, s.efi} {
		if n != nil {
			boot = append(boot, n)
		}
	}
	out := make([]bool, len(all))
	for i, it := range all {
		out[i] = pinned(it.node, boot, s.first)
	}
	return out
}

// bootSectors is what booting adds to volume 1: boot record, catalog
// and a hidden EFI image.
func (s *set) bootSectors() int64 {
	if s.bios == nil && s.efi == nil && s.efiHost == "" {
		return 0
	}
	n := int64(2)
	if s.efiHost != "" {
		n += sectors(s.efiSize)
	}
	return n
}

// run places pinned items on volume 1, then the rest first-fit.
func (p *planner) run(all []piece, pins []bool) error {
	v1 := p.newVol()
	if v1.acc.total > p.max && p.boot > 2 {
		return fmt.Errorf("volume 1 must hold the EFI boot image, but with the disc's metadata it needs %d bytes, more than max_volume_size %d; raise it", v1.acc.total*sectorSize, p.maxBytes)
	}
	if v1.acc.total >= p.max {
		return p.errMinimum(v1.acc.total+1, "any file")
	}
	for i, it := range all {
		if pins[i] && !p.place(v1, it) {
			return fmt.Errorf("volume 1 must hold the boot images and first paths, but they need more than max_volume_size %d (full at %s); raise it or pin fewer paths", p.maxBytes, it.node.path)
		}
	}
	for i, it := range all {
		if !pins[i] {
			if err := p.placeAny(it); err != nil {
				return err
			}
		}
	}
	return nil
}

// placeAny puts it on the first volume with room, else on a new volume,
// else splits it.
func (p *planner) placeAny(it piece) error {
	for _, v := range p.vols {
		if p.place(v, it) {
			return nil
		}
	}
	if p.fitsFresh(it) {
		p.place(p.newVol(), it)
		return nil
	}
	if it.node.kind != kindFile {
		return p.errTooSmall(it)
	}
	return p.split(it)
}

// fitsFresh reports whether it fits an empty volume.
func (p *planner) fitsFresh(it piece) bool {
	saved := p.vols
	v := p.newVol()
	p.vols = saved
	return v.acc.boundFast(p.delta(v.acc, it)) <= p.max
}

// split stores a file too big for any volume in parts NAME.part001...,
// the first in the room left on the last volume, each next one on a new
// volume.
func (p *planner) split(it piece) error {
	n, v := it.node, p.vols[len(p.vols)-1]
	var made []*volPlan
	for off, k := int64(0), 1; off < n.size; k++ {
		pc := piece{node: n, part: k, off: off}
		size := p.room(v, pc, n.size-off)
		if size < min(sectorSize, n.size-off) {
			v = p.newVol()
			if size = p.room(v, pc, n.size-off); size < min(sectorSize, n.size-off) {
				return p.errTooSmall(pc)
			}
		}
		p.nextIno++
		pc.size, pc.ino = size, p.nextIno
		p.place(v, pc)
		made = append(made, v)
		off += size
	}
	for _, v := range made {
		for i := range v.pieces {
			if v.pieces[i].node == n && v.pieces[i].part != 0 {
				v.pieces[i].parts = len(made)
			}
		}
	}
	return nil
}

// room is how many bytes of the rest of a file fit v as part pc.
func (p *planner) room(v *volPlan, pc piece, rest int64) int64 {
	n := rest
	for {
		pc.size = n
		d := p.delta(v.acc, pc)
		free := (p.max - v.acc.boundFast(d) + d.data) * sectorSize
		if free <= 0 {
			return 0
		}
		if n <= free {
			return n
		}
		n = free
	}
}
