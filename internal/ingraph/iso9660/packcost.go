package iso9660

// Packing volumes needs the size of a volume before its exact layout is
// known, so the planner keeps an upper bound of every volume's sectors,
// updated piece by piece. Each bound holds whatever names and order the
// layout later picks; the layout is checked against the limit anyway.

// Bounds of identifier lengths: ISO file identifiers are at most
// "NAME____.EXT;1", directory ones 8 characters; Joliet ones are the name
// in UTF-16 plus a clash suffix, at most 64 characters, plus ";1".
const (
	isoDirIDMax = isoBaseMax
	dirFill     = sectorSize - recordMax + 1 // bytes a directory sector surely holds
	areaFill    = sectorSize - ceLen - suEntryMax + 1
)

// recCost bounds the bytes one name adds to its directory in both trees,
// to the continuation areas and to both path tables (directories only).
type recCost struct {
	iso, jol, ce, pt, jpt int64
}

// childCost bounds the records of a child named name with attributes of
// n and size bytes of data.
func childCost(n *node, name string, size int64, st stamp) recCost {
	idMax := isoFileIDMax
	if n.kind == kindDir {
		idMax = isoDirIDMax
	}
	su := pxLen + tfLen + total(nmEntries(name))
	if n.kind == kindSymlink {
		su += total(slEntries(n.target))
	}
	rec, ce := suCost(baseLen(make([]byte, idMax)), su)
	k := int64(sectionCount(size))
	c := recCost{iso: k * rec, ce: k * ce}
	jid := 2 * (min(jolietMax, len(jolietUnits(name))+8) + 2)
	if n.kind != kindSymlink {
		c.jol = k * int64(baseLen(make([]byte, jid)))
	}
	if n.kind == kindDir {
		c.pt, c.jpt = 8+isoDirIDMax, int64(8+jid)
	}
	return c
}

// dotCost bounds a directory's own "." and ".." records; the root's "."
// also carries SP and, in a continuation area, ER.
func dotCost(root bool) recCost {
	dot, _ := suCost(34, pxLen+tfLen)
	c := recCost{iso: 2 * dot, jol: 2 * 34}
	if root {
		self, _ := suCost(34, len(spEntry())+pxLen+tfLen+ceLen)
		c.iso, c.ce = dot+self, int64(len(erEntry()))
		c.pt, c.jpt = 10, 10
	}
	return c
}

// suCost bounds a record of base bytes plus su bytes of System Use and
// its continuation areas.
func suCost(base, su int) (rec, ce int64) {
	if base+su <= recordMax {
		return int64(base + su + (base+su)%2), 0
	}
	return recordMax, int64(su + ceLen*(1+su/areaFill))
}

// dirSectors bounds the sectors of a directory extent of b record bytes.
func dirSectors(b int64) int64 {
	if b <= sectorSize {
		return 1
	}
	return (b + dirFill - 1) / dirFill
}

// ceSectors bounds the sectors of b bytes of continuation areas packed
// one after another, none crossing a sector: a new sector is only begun
// when the next area does not fit, so any two neighbours hold more than
// one sector's worth.
func ceSectors(b int64) int64 {
	if b <= sectorSize {
		return sectors(b)
	}
	return 2 * sectors(b)
}
