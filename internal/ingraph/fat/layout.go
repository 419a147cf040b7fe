package fat

import "encoding/binary"

// allocate gives every directory and non-empty file its first cluster:
// the FAT32 root directory at cluster 2, then the other directories in
// pre-order, then the files in pre-order, each contiguous.
func (v *Volume) allocate() {
	next := uint32(2)
	v.tree.root.cluster = 0
	v.extents(func(n *node, count uint32) {
		n.cluster = next
		next += count
	})
	v.last = next - 1
}

// extents calls f, in allocation order, with every node that takes
// clusters and the number of clusters it takes.
func (v *Volume) extents(f func(n *node, count uint32)) {
	cb := v.geo.clusterBytes()
	if v.geo.bits == 32 {
		f(v.tree.root, uint32(max(1, clustersFor(int64(v.rootSlots())*entrySize, cb))))
	}
	for _, d := range v.tree.dirs[1:] {
		f(d, uint32(clustersFor(int64(d.slots)*entrySize, cb)))
	}
	for _, n := range v.tree.files {
		if n.size > 0 {
			f(n, uint32(clustersFor(n.size, cb)))
		} else {
			n.cluster = 0
		}
	}
}

// dirBytes encodes directory d: the label (root only), "." and ".."
// (others only), then each entry, long-name entries first.
func (v *Volume) dirBytes(d *node) []byte {
	ts := stampOf(v.opts.Epoch)
	var b []byte
	if d == v.tree.root {
		if v.hasLabel() {
			b = append(b, shortEntry(v.label, attrVolume, 0, 0, ts)...)
		}
	} else {
		b = append(b, shortEntry(pack(".", ""), attrDir, d.cluster, 0, ts)...)
		up := d.up.cluster
		if d.up == v.tree.root {
			up = 0 // even on FAT32, where the root has a cluster
		}
		b = append(b, shortEntry(pack("..", ""), attrDir, up, 0, ts)...)
	}
	for _, k := range d.kids {
		if k.long {
			b = append(b, lfnEntries(k.name, k.short)...)
		}
		attr, size := byte(attrArchive), uint32(k.size)
		if k.dir {
			attr, size = attrDir, 0
		}
		b = append(b, shortEntry(k.short, attr, k.cluster, size, ts)...)
	}
	return b
}

// fatBytes encodes the used part of the FAT: the media and end-of-chain
// markers in entries 0 and 1, then one chain per extent, ending with
// 0x...FF8 like mkfs.fat's.
func (v *Volume) fatBytes() []byte {
	mask := uint32(1)<<v.geo.bits - 1
	if v.geo.bits == 32 {
		mask = 0x0FFFFFFF
	}
	ent := make([]uint32, v.last+1)
	ent[0], ent[1] = 0x0FFFFFF8&mask, 0x0FFFFFFF&mask
	v.extents(func(n *node, count uint32) {
		for c := n.cluster; c < n.cluster+count-1; c++ {
			ent[c] = c + 1
		}
		ent[n.cluster+count-1] = 0x0FFFFFF8 & mask
	})
	return encodeFAT(ent, v.geo.bits)
}

// encodeFAT packs entries into 12, 16 or 32 bits each, padded to whole
// sectors.
func encodeFAT(ent []uint32, bits int) []byte {
	n := (len(ent)*bits + 7) / 8
	b := make([]byte, (n+sectorSize-1)/sectorSize*sectorSize)
	for i, e := range ent {
		switch bits {
		case 32:
			binary.LittleEndian.PutUint32(b[4*i:], e)
		case 16:
			binary.LittleEndian.PutUint16(b[2*i:], uint16(e))
		default:
			put12(b, i, e)
		}
	}
	return b
}

// put12 stores entry i of a FAT12: two entries share three bytes.
func put12(b []byte, i int, e uint32) {
	o := 3 * i / 2
	if i%2 == 0 {
		b[o] = byte(e)
		b[o+1] = b[o+1]&0xF0 | byte(e>>8)&0x0F
	} else {
		b[o] = b[o]&0x0F | byte(e<<4)
		b[o+1] = byte(e >> 4)
	}
}
