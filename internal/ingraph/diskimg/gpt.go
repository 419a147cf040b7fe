package diskimg

import (
	"encoding/binary"
	"hash/crc32"
	"unicode/utf16"
)

// GPT header constants (UEFI 2.10, 5.3.2).
const (
	gptSignature  = "EFI PART"
	gptRevision   = 0x00010000
	gptHeaderSize = 92
	gptFirstLBA   = 1 + gptSectors // first usable LBA: 34
	gptLegacyBoot = 1 << 2         // "legacy BIOS bootable" attribute
)

// gptHeader holds the fields that differ between primary and backup.
type gptHeader struct {
	my, alternate, entries int64
}

// encode renders the header sector.
func (h gptHeader) encode(l *layout, disk GUID, entriesCRC uint32) []byte {
	b := make([]byte, sector)
	le := binary.LittleEndian
	copy(b[0:8], gptSignature)
	le.PutUint32(b[8:12], gptRevision)
	le.PutUint32(b[12:16], gptHeaderSize)
	le.PutUint64(b[24:32], uint64(h.my))
	le.PutUint64(b[32:40], uint64(h.alternate))
	le.PutUint64(b[40:48], gptFirstLBA)
	le.PutUint64(b[48:56], uint64(l.lastUsableLBA()))
	d := disk.Disk()
	copy(b[56:72], d[:])
	le.PutUint64(b[72:80], uint64(h.entries))
	le.PutUint32(b[80:84], gptEntries)
	le.PutUint32(b[84:88], gptEntrySize)
	le.PutUint32(b[88:92], entriesCRC)
	le.PutUint32(b[16:20], crc32.ChecksumIEEE(b[:gptHeaderSize]))
	return b
}

// lastLBA is the disk's last sector.
func (l *layout) lastLBA() int64 { return l.size/sector - 1 }

// lastUsableLBA is the last sector partitions may use.
func (l *layout) lastUsableLBA() int64 { return l.lastLBA() - gptSectors }

// gptEntryArray encodes the 128 partition entries.
func (l *layout) gptEntryArray(guids []GUID) []byte {
	b := make([]byte, gptEntries*gptEntrySize)
	for i, p := range l.parts {
		encodeEntry(b[i*gptEntrySize:(i+1)*gptEntrySize], p, guids[i])
	}
	return b
}

// encodeEntry renders one partition entry into e.
func encodeEntry(e []byte, p placed, unique GUID) {
	le := binary.LittleEndian
	t, u := p.typ.guid.Disk(), unique.Disk()
	copy(e[0:16], t[:])
	copy(e[16:32], u[:])
	le.PutUint64(e[32:40], uint64(p.Offset/sector))
	le.PutUint64(e[40:48], uint64(p.end()/sector-1))
	if p.Bootable {
		le.PutUint64(e[48:56], gptLegacyBoot)
	}
	for i, unit := range utf16.Encode([]rune(p.Name)) {
		le.PutUint16(e[56+2*i:], unit)
	}
}

// gptTables returns the primary structures (header and entries, for LBA 1
// onwards) and the backup ones (entries and header, for the last 33
// sectors).
func (l *layout) gptTables(id ids) (primary, backup []byte) {
	entries := l.gptEntryArray(id.parts)
	crc := crc32.ChecksumIEEE(entries)
	last := l.lastLBA()
	p := gptHeader{my: 1, alternate: last, entries: 2}.encode(l, id.disk, crc)
	b := gptHeader{my: last, alternate: 1, entries: last - gptSectors + 1}.encode(l, id.disk, crc)
	primary = append(p, entries...)
	backup = append(append([]byte{}, entries...), b...)
	return primary, backup
}
