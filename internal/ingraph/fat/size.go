package fat

import "fmt"

// mib is one mebibyte; automatic sizes are whole mebibytes.
const mib = 1 << 20

// maxDirSlots is the most entries a FAT directory may have (2 MiB).
const maxDirSlots = 65536

// TooSmallError reports a partition too small for the tree.
type TooSmallError struct {
	Need  int64 // smallest whole-MiB size that holds the tree
	Have  int64 // the partition size given
	FAT32 bool  // the size is below FAT32's minimum (Kind FAT32)
}

// Error says how much space is needed.
func (e *TooSmallError) Error() string {
	if e.FAT32 {
		return fmt.Sprintf("FAT32 needs at least %d bytes (65525 clusters); the partition has %d", e.Need, e.Have)
	}
	return fmt.Sprintf("the tree needs at least %d bytes; the partition has %d", e.Need, e.Have)
}

// prepare names every entry and counts directory slots, once.
func (t *Tree) prepare() error {
	if t.demand != nil {
		return nil
	}
	for _, d := range t.dirs {
		if err := assignNames(d); err != nil {
			return err
		}
		d.slots = dirSlots(d)
		if d.slots > maxDirSlots {
			return fmt.Errorf("%s has %d directory entries (long names count extra); FAT allows %d: split the directory", d.rel, d.slots, maxDirSlots)
		}
	}
	t.demand = make(map[int64]uint64)
	return nil
}

// dirSlots counts the entries of directory d, with "." and ".." but
// without a volume label.
func dirSlots(d *node) uint32 {
	var n uint32
	if d.rel != "." {
		n = 2
	}
	for _, k := range d.kids {
		n++
		if k.long {
			n += longEntries(k.name)
		}
	}
	return n
}

// clustersFor is the number of clusters of cb bytes that n bytes take.
func clustersFor(n, cb int64) uint64 { return uint64((n + cb - 1) / cb) }

// clusters returns the clusters of cb bytes that everything but the root
// directory takes; results are cached per cluster size.
func (t *Tree) clusters(cb int64) uint64 {
	if n, ok := t.demand[cb]; ok {
		return n
	}
	var n uint64
	for _, d := range t.dirs[1:] {
		n += clustersFor(int64(d.slots)*entrySize, cb)
	}
	for _, f := range t.files {
		n += clustersFor(f.size, cb)
	}
	t.demand[cb] = n
	return n
}

// rootSlots counts the root directory's entries, label included.
func (v *Volume) rootSlots() uint32 {
	n := v.tree.root.slots
	if v.hasLabel() {
		n++
	}
	return n
}

// fits returns the geometry for size and whether the tree fits in it,
// with free space of at least a tenth of the used space and 1 MiB when
// slack is set.
func (v *Volume) fits(size int64, slack bool) (geometry, bool) {
	root := v.rootSlots()
	g, err := newGeometry(size, v.opts.Kind == FAT32, max(512, (root+15)&^15))
	if err != nil || (g.bits != 32 && root > g.rootEntries) || g.rootEntries > 0xFFF0 {
		return g, false
	}
	cb := g.clusterBytes()
	used := v.tree.clusters(cb)
	if g.bits == 32 {
		used += max(1, clustersFor(int64(root)*entrySize, cb))
	}
	if slack {
		used += max(used/10, clustersFor(mib, cb))
	}
	return g, used <= uint64(g.clusters)
}

// maxMiB bounds the size search: FAT volumes end at 2 TiB.
const maxMiB = 2 << 20

// autoSize is the automatic size: the smallest whole number of MiB at
// which the tree fits with slack (a tenth of its size and at least 1
// MiB free), never below FAT32's minimum when FAT32 is forced.
func (v *Volume) autoSize() int64 {
	return v.search(v.lowerMiB(), true)
}

// search returns the first whole-MiB size from lo up that fits.
func (v *Volume) search(lo int64, slack bool) int64 {
	for m := lo; m < maxMiB; m++ {
		if _, ok := v.fits(m*mib, slack); ok {
			return m * mib
		}
	}
	return maxMiB * mib
}

// lowerMiB is a size in MiB below which the tree cannot fit: its
// content at the smallest cluster size.
func (v *Volume) lowerMiB() int64 {
	return max(1, int64(v.tree.clusters(sectorSize))*sectorSize/mib)
}

// tooSmall builds the error for a partition the tree does not fit: the
// smallest size that fits and is larger than the partition, since a
// larger volume may take larger clusters.
func (v *Volume) tooSmall() error {
	need := v.search(v.lowerMiB(), false)
	if need <= v.size {
		need = v.search(v.size/mib+1, false)
	}
	e := &TooSmallError{Need: need, Have: v.size}
	if v.opts.Kind == FAT32 {
		_, err := newGeometry(v.size, true, 0)
		e.FAT32 = err != nil
	}
	return e
}

// MinFAT32 is the smallest whole-MiB partition that holds a FAT32
// volume (65525 clusters of 512 bytes plus FATs and reserved sectors).
func MinFAT32() int64 {
	for m := int64(1); ; m++ {
		if _, err := newGeometry(m*mib, true, 0); err == nil {
			return m * mib
		}
	}
}
