package iso9660

import (
	"encoding/binary"
	"slices"
)

// sectionMax is the largest extent one directory record describes: the
// 32-bit length rounded down to whole sectors. Larger files take several
// records (ISO 9660 level 3 multi-extent files).
const sectionMax = 0xFFFFF800

// recordMax is the largest directory record: its length is one byte and
// records keep an even length.
const recordMax = 254

// record is one directory record of the ISO or Joliet tree.
type record struct {
	ent     *entry // what it describes
	id      []byte // identifier; 0x00 for ".", 0x01 for ".."
	section int    // index among a multi-extent file's records
	more    bool   // not the last record of its file
	su      suPlan // System Use field (ISO tree only)
	size    int    // record length
	pos     int    // offset in the directory extent
}

// dirExt is a directory's extent in one tree.
type dirExt struct {
	records []*record
	lba     uint32
	size    int64
}

// sectionCount is how many records a file of size bytes needs.
func sectionCount(size int64) int {
	return max(1, int((size+sectionMax-1)/sectionMax))
}

// baseLen is a record's length before its System Use field.
func baseLen(id []byte) int {
	n := 33 + len(id)
	return n + n%2
}

// newRecord sizes a record; su is planned into the room left.
func newRecord(ent *entry, id []byte, su [][]byte) *record {
	r := &record{ent: ent, id: id}
	if su != nil {
		r.su = planSU(su, recordMax-baseLen(id))
	}
	r.size = baseLen(id) + r.su.inlineLen()
	r.size += r.size % 2
	return r
}

// fileRecords makes the records for one child, several for a
// multi-extent file.
func fileRecords(c *entry, id []byte, su [][]byte) []*record {
	n := 1
	if c.ext != nil {
		n = sectionCount(c.ext.size)
	}
	recs := make([]*record, n)
	for i := range recs {
		recs[i] = newRecord(c, id, su)
		recs[i].section, recs[i].more = i, i < n-1
	}
	return recs
}

// packRecords places records in sectors (a record never crosses a sector
// boundary) and returns the extent.
func packRecords(recs []*record) *dirExt {
	pos := 0
	for _, r := range recs {
		if pos%sectorSize+r.size > sectorSize {
			pos += sectorSize - pos%sectorSize
		}
		r.pos = pos
		pos += r.size
	}
	return &dirExt{records: recs, size: sectors(int64(pos)) * sectorSize}
}

// sortedChildren orders a directory's children by the identifier key
// chosen for the tree.
func sortedChildren(e *entry, key func(*entry) identKey, keep func(*entry) bool) []*entry {
	cs := slices.DeleteFunc(slices.Clone(e.children), func(c *entry) bool { return !keep(c) })
	keys := map[*entry]identKey{}
	for _, c := range cs {
		keys[c] = key(c)
	}
	slices.SortFunc(cs, func(a, b *entry) int { return keys[a].compare(keys[b]) })
	return cs
}

// extentOf returns the location and length a record points to.
func (r *record) extentOf(joliet bool) (uint32, uint32) {
	e := r.ent
	switch {
	case e.kind == kindDir && joliet:
		return e.jolDir.lba, uint32(e.jolDir.size)
	case e.kind == kindDir:
		return e.isoDir.lba, uint32(e.isoDir.size)
	case e.ext == nil:
		return 0, 0
	}
	off := int64(r.section) * sectionMax
	return e.ext.lba + uint32(off/sectorSize), uint32(min(e.ext.size-off, sectionMax))
}

// encode writes the record into b (ECMA-119 9.1).
func (r *record) encode(b []byte, seq uint16, st stamp, joliet bool) {
	b[0] = byte(r.size)
	lba, size := r.extentOf(joliet)
	putBoth32(b[2:], lba)
	putBoth32(b[10:], size)
	st.short(b[18:])
	if r.ent.kind == kindDir {
		b[25] |= 0x02
	}
	if r.more {
		b[25] |= 0x80
	}
	putBoth16(b[28:], seq)
	b[32] = byte(len(r.id))
	copy(b[33:], r.id)
	copy(b[baseLen(r.id):], r.su.inlineBytes())
}

// encodeDir serialises a directory extent.
func encodeDir(d *dirExt, seq uint16, st stamp, joliet bool) []byte {
	b := make([]byte, d.size)
	for _, r := range d.records {
		r.encode(b[r.pos:r.pos+r.size], seq, st, joliet)
	}
	return b
}

// pathTable serialises the path table of dirs, which are in path table
// order (ECMA-119 9.4), little- or big-endian.
func pathTable(dirs []*entry, id func(*entry) []byte, ext func(*entry) *dirExt, big bool) []byte {
	order := binary.ByteOrder(binary.LittleEndian)
	if big {
		order = binary.BigEndian
	}
	num := map[*entry]uint16{}
	var b []byte
	for i, d := range dirs {
		num[d] = uint16(i + 1)
		parent := uint16(1)
		if d.parent != nil {
			parent = num[d.parent]
		}
		name := id(d)
		rec := make([]byte, 8+len(name)+len(name)%2)
		rec[0] = byte(len(name))
		order.PutUint32(rec[2:], ext(d).lba)
		order.PutUint16(rec[6:], parent)
		copy(rec[8:], name)
		b = append(b, rec...)
	}
	return b
}

// pathTableOrder lists the directories of the tree breadth first, each
// level's directories by parent number then identifier, as path tables
// require; children gives a directory's subdirectories in identifier
// order.
func pathTableOrder(root *entry, children func(*entry) []*entry) []*entry {
	order := []*entry{root}
	for i := 0; i < len(order); i++ {
		for _, c := range children(order[i]) {
			if c.kind == kindDir {
				order = append(order, c)
			}
		}
	}
	return order
}
