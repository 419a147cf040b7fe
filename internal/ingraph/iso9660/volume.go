package iso9660

import (
	"fmt"
)

// volume is one image of the set, laid out.
type volume struct {
	seq, count int
	id         string
	st         stamp
	root       *entry
	boot       *bootSpec // volume 1 of a bootable set only
	manifest   *entry    // every volume of a set of two or more
	hidden     []*extent // data in no directory: an external EFI image

	isoKids, jolKids map[*entry][]*entry
	isoDirs, jolDirs []*entry
	ptSize, jptSize  int64
	areas            []*ceArea
	data             []*extent

	lbaBR, lbaSVD, lbaTerm, lbaCat uint32
	lbaPT                          [4]uint32 // ISO L, ISO M, Joliet L, Joliet M
	total                          int64     // sectors
}

// layout names, sizes and places everything on v.
func (v *volume) layout() error {
	v.name()
	v.isoDirs = pathTableOrder(v.root, func(e *entry) []*entry { return v.isoKids[e] })
	v.jolDirs = pathTableOrder(v.root, func(e *entry) []*entry { return v.jolKids[e] })
	if len(v.isoDirs) > 0xFFFF {
		return fmt.Errorf("volume %d has %d directories; ISO 9660 path tables number at most 65535; split the tree over more volumes or flatten it", v.seq, len(v.isoDirs))
	}
	for _, d := range v.isoDirs {
		d.isoDir = packRecords(v.isoRecords(d))
	}
	for _, d := range v.jolDirs {
		d.jolDir = packRecords(jolietRecords(d, v.jolKids[d]))
	}
	v.ptSize = int64(len(pathTable(v.isoDirs, isoPTID, isoExt, false)))
	v.jptSize = int64(len(pathTable(v.jolDirs, jolPTID, jolExt, false)))
	return v.place()
}

// name gives every entry its ISO and Joliet identifiers, directory by
// directory in name order, and sorts each tree's children.
func (v *volume) name() {
	v.isoKids, v.jolKids = map[*entry][]*entry{}, map[*entry][]*entry{}
	walkEntries(v.root, func(d *entry) {
		if d.kind != kindDir {
			return
		}
		iso, jol := newNamer(), newNamer()
		for _, c := range d.children {
			c.iso = iso.iso(c.name, c.kind == kindDir)
			if c.kind != kindSymlink {
				c.jol = jol.joliet(c.name, c.kind == kindDir)
			}
		}
		v.isoKids[d] = sortedChildren(d, func(c *entry) identKey { return newIdentKey(isoUnits(c.iso)) }, func(*entry) bool { return true })
		v.jolKids[d] = sortedChildren(d, func(c *entry) identKey { return newIdentKey(jolietDecode(c.jol)) }, func(c *entry) bool { return c.kind != kindSymlink })
	})
}

// isoRecords makes a directory's ISO records with their Rock Ridge
// fields: ".", "..", then the children.
func (v *volume) isoRecords(d *entry) []*record {
	parent := d.parent
	if parent == nil {
		parent = d
	}
	dot := [][]byte{pxEntry(d.attrs), tfEntry(v.st)}
	if d == v.root {
		dot = [][]byte{spEntry(), dot[0], dot[1], erEntry()}
	}
	recs := []*record{newRecord(d, []byte{0}, dot), newRecord(parent, []byte{1}, [][]byte{pxEntry(parent.attrs), tfEntry(v.st)})}
	for _, c := range v.isoKids[d] {
		recs = append(recs, fileRecords(c, c.iso, v.rockRidge(c))...)
	}
	return recs
}

// rockRidge lists the Rock Ridge entries of a child's record.
func (v *volume) rockRidge(c *entry) [][]byte {
	su := append([][]byte{pxEntry(c.attrs), tfEntry(v.st)}, nmEntries(c.name)...)
	if c.kind == kindSymlink {
		su = append(su, slEntries(c.node.target)...)
	}
	return su
}

// jolietRecords makes a directory's Joliet records.
func jolietRecords(d *entry, kids []*entry) []*record {
	parent := d.parent
	if parent == nil {
		parent = d
	}
	recs := []*record{newRecord(d, []byte{0}, nil), newRecord(parent, []byte{1}, nil)}
	for _, c := range kids {
		recs = append(recs, fileRecords(c, c.jol, nil)...)
	}
	return recs
}

// Path table helpers for the two trees.
func isoPTID(e *entry) []byte {
	if e.parent == nil {
		return []byte{0}
	}
	return e.iso
}
func jolPTID(e *entry) []byte {
	if e.parent == nil {
		return []byte{0}
	}
	return e.jol
}
func isoExt(e *entry) *dirExt { return e.isoDir }
func jolExt(e *entry) *dirExt { return e.jolDir }

// place assigns sectors: system area, descriptors, path tables, boot
// catalog, ISO then Joliet directories, continuation areas, file data.
func (v *volume) place() error {
	next := uint32(17)
	alloc := func(n int64) uint32 { lba := next; next += uint32(n); return lba }
	if v.boot != nil {
		v.lbaBR = alloc(1)
	}
	v.lbaSVD, v.lbaTerm = alloc(1), alloc(1)
	for i, size := range []int64{v.ptSize, v.ptSize, v.jptSize, v.jptSize} {
		v.lbaPT[i] = alloc(sectors(size))
	}
	if v.boot != nil {
		v.lbaCat = alloc(1)
	}
	for _, d := range v.isoDirs {
		d.isoDir.lba = alloc(d.isoDir.size / sectorSize)
	}
	for _, d := range v.jolDirs {
		d.jolDir.lba = alloc(d.jolDir.size / sectorSize)
	}
	next = v.placeAreas(next)
	total := int64(next)
	for _, x := range v.dataOrder() {
		if x.size > 0 {
			x.lba, total = uint32(total), total+sectors(x.size)
		}
		if total > 0xFFFFFFFF {
			return fmt.Errorf("volume %d would have %d sectors, more than ISO 9660's 32-bit sector numbers reach (8 TiB); set max_volume_size", v.seq, total)
		}
	}
	v.total = total
	return nil
}

// placeAreas packs the continuation areas of the ISO records into
// sectors from next on and returns the first sector after them.
func (v *volume) placeAreas(next uint32) uint32 {
	v.areas = nil
	for _, d := range v.isoDirs {
		for _, r := range d.isoDir.records {
			v.areas = append(v.areas, r.su.areas()...)
		}
	}
	if len(v.areas) == 0 {
		return next
	}
	lba, off := next, uint32(0)
	for _, a := range v.areas {
		if off+uint32(a.length()) > sectorSize {
			lba, off = lba+1, 0
		}
		a.lba, a.off = lba, off
		off += uint32(a.length())
	}
	return lba + 1
}

// dataOrder lists the extents in disc order: hidden ones, then files in
// a depth-first walk by name, then the manifest; each extent once.
func (v *volume) dataOrder() []*extent {
	seen := map[*extent]bool{}
	v.data = nil
	add := func(x *extent) {
		if x != nil && !seen[x] {
			seen[x] = true
			v.data = append(v.data, x)
		}
	}
	for _, x := range v.hidden {
		add(x)
	}
	walkEntries(v.root, func(e *entry) {
		if e != v.manifest {
			add(e.ext)
		}
	})
	if v.manifest != nil {
		add(v.manifest.ext)
	}
	return v.data
}
