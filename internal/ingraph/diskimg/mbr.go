package diskimg

import "encoding/binary"

// MBR constants.
const (
	mbrActive     = 0x80
	mbrProtective = 0xee
	mbrEntrySize  = 16
	mbrEntriesAt  = 446 - mbrTableStart // offset of the entries in mbrTail
	mbrTailSize   = sector - mbrTableStart
)

// Geometry sfdisk assumes for an image file.
const (
	chsHeads   = 255
	chsSectors = 63
)

// chs encodes an LBA as a head/sector/cylinder triple the way sfdisk does
// for a disk addressed only by LBA: with 255 heads and 63 sectors per
// track, clamped to the last addressable cylinder, 1023.
func chs(lba int64) [3]byte {
	if lba/(chsHeads*chsSectors) > 1023 {
		lba = chsHeads*chsSectors*1024 - 1
	}
	s := lba%chsSectors + 1
	lba /= chsSectors
	h := lba % chsHeads
	c := lba / chsHeads
	return [3]byte{byte(h), byte(s) | byte(c>>2)&0xc0, byte(c)}
}

// mbrEntry encodes one partition entry.
func mbrEntry(active bool, code byte, start, sectors int64) []byte {
	e := make([]byte, mbrEntrySize)
	if active {
		e[0] = mbrActive
	}
	first, last := chs(start), chs(start+sectors-1)
	copy(e[1:4], first[:])
	e[4] = code
	copy(e[5:8], last[:])
	binary.LittleEndian.PutUint32(e[8:12], uint32(start))
	binary.LittleEndian.PutUint32(e[12:16], uint32(sectors))
	return e
}

// protectiveEntry is the GPT protective entry as sfdisk writes it:
// CHS start 0/0/2, CHS end 0xFFFFFF, LBA 1 to the end of the disk or of
// what 32 bits can count.
func protectiveEntry(diskSectors int64) []byte {
	e := make([]byte, mbrEntrySize)
	e[2] = 2
	e[4] = mbrProtective
	e[5], e[6], e[7] = 0xff, 0xff, 0xff
	binary.LittleEndian.PutUint32(e[8:12], 1)
	binary.LittleEndian.PutUint32(e[12:16], uint32(min(diskSectors-1, maxMBRSector-1)))
	return e
}

// mbrTail encodes bytes 440-511 of the first sector: disk signature, two
// zero bytes, four entries and the 0x55AA boot signature. The boot code
// before it is left to raw writes.
func mbrTail(signature uint32, entries [][]byte) []byte {
	t := make([]byte, mbrTailSize)
	binary.LittleEndian.PutUint32(t[0:4], signature)
	for i, e := range entries {
		copy(t[mbrEntriesAt+i*mbrEntrySize:], e)
	}
	t[mbrTailSize-2], t[mbrTailSize-1] = 0x55, 0xaa
	return t
}

// mbrTable encodes the tail of an MBR-partitioned disk.
func (l *layout) mbrTable(signature uint32) []byte {
	var entries [][]byte
	for _, p := range l.parts {
		entries = append(entries, mbrEntry(p.Bootable, p.typ.code, p.Offset/sector, p.Size/sector))
	}
	return mbrTail(signature, entries)
}

// protectiveMBR encodes the tail of a GPT disk's first sector.
func (l *layout) protectiveMBR() []byte {
	return mbrTail(0, [][]byte{protectiveEntry(l.size / sector)})
}
