package iso9660

// applicationID names the writer in every image; it carries no version
// so that upgrading cairn alone does not change images.
const applicationID = "CAIRN ISO9660"

// descriptor builds the Primary (joliet false) or Joliet Supplementary
// Volume Descriptor (ECMA-119 8.4 and 8.5).
func (v *volume) descriptor(setID string, joliet bool) []byte {
	b := make([]byte, sectorSize)
	b[0] = 1
	copy(b[1:], "CD001\x01")
	text, root, pt, size := fillSpaces, v.root.isoDir, v.lbaPT[0:2], v.ptSize
	if joliet {
		b[0] = 2
		copy(b[88:], "%/E") // UCS-2 level 3
		text, root, pt, size = fillUCS2, v.root.jolDir, v.lbaPT[2:4], v.jptSize
	}
	text(b[8:40], "")
	text(b[40:72], v.id)
	putBoth32(b[80:], uint32(v.total))
	putBoth16(b[120:], uint16(v.count))
	putBoth16(b[124:], uint16(v.seq))
	putBoth16(b[128:], sectorSize)
	putBoth32(b[132:], uint32(size))
	b[140], b[141], b[142], b[143] = byte(pt[0]), byte(pt[0]>>8), byte(pt[0]>>16), byte(pt[0]>>24)
	b[148], b[149], b[150], b[151] = byte(pt[1]>>24), byte(pt[1]>>16), byte(pt[1]>>8), byte(pt[1])
	rootRecord(b[156:190], v.root, root, uint16(v.seq), v.st)
	text(b[190:318], setID)
	for _, f := range [][2]int{{318, 446}, {446, 574}, {702, 739}, {739, 776}, {776, 813}} {
		text(b[f[0]:f[1]], "")
	}
	text(b[574:702], applicationID)
	for _, at := range []int{813, 830, 864} {
		v.st.long(b[at:])
	}
	unsetDate(b[847:])
	b[881] = 1
	fillSpaces(b[883:1395], "")
	return b
}

// rootRecord writes the 34-byte root directory record of a descriptor.
func rootRecord(b []byte, root *entry, d *dirExt, seq uint16, st stamp) {
	b[0] = 34
	putBoth32(b[2:], d.lba)
	putBoth32(b[10:], uint32(d.size))
	st.short(b[18:])
	b[25] = 0x02
	putBoth16(b[28:], seq)
	b[32] = 1
}

// terminator is the Volume Descriptor Set Terminator.
func terminator() []byte {
	b := make([]byte, sectorSize)
	copy(b, "\xffCD001\x01")
	return b
}
