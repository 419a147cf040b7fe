package fat

import "encoding/binary"

// FAT32 reserved-sector positions, as mkfs.fat uses them.
const (
	infoSector   = 1
	backupSector = 6
)

// stubCode is mkfs.fat's public-domain "boot code": it prints a message
// and waits for a key, then tries the next boot device.
var stubCode = []byte("\x0e\x1f\xbe\x5b\x7c\xac\x22\xc0\x74\x0b\x56\xb4\x0e\xbb\x07\x00" +
	"\xcd\x10\x5e\xeb\xf0\x32\xe4\xcd\x16\xcd\x19\xeb\xfe" +
	"This is not a bootable disk.  Please insert a bootable floppy and\r\n" +
	"press any key to try again ... \r\n")

// stubMessage is the offset of the message in stubCode.
const stubMessage = 29

// bootSector encodes the boot sector: jump, OEM name, BPB, extended BPB
// and the stub boot code.
func (v *Volume) bootSector() []byte {
	g, le := v.geo, binary.LittleEndian
	b := make([]byte, sectorSize)
	copy(b[3:], "mkfs.fat")
	le.PutUint16(b[11:], sectorSize)
	b[13] = byte(g.secPerCluster)
	le.PutUint16(b[14:], uint16(g.reserved))
	b[16] = 2 // FATs
	le.PutUint16(b[17:], uint16(g.rootEntries))
	if g.sectors < 65536 {
		le.PutUint16(b[19:], uint16(g.sectors))
	} else {
		le.PutUint32(b[32:], g.sectors)
	}
	b[21] = 0xF8 // fixed disk
	le.PutUint16(b[24:], uint16(g.secsTrack))
	le.PutUint16(b[26:], uint16(g.heads))
	le.PutUint32(b[28:], uint32(v.opts.Offset/sectorSize))
	ext := 36
	if g.bits == 32 {
		v.fat32Fields(b)
		ext = 64
	} else {
		le.PutUint16(b[22:], uint16(g.fatLength))
	}
	v.extendedBPB(b[ext:])
	putStub(b, ext+26)
	b[510], b[511] = 0x55, 0xAA
	return b
}

// fat32Fields fills the FAT32 part of the BPB.
func (v *Volume) fat32Fields(b []byte) {
	le := binary.LittleEndian
	le.PutUint32(b[36:], v.geo.fatLength)
	le.PutUint32(b[44:], 2) // root directory cluster
	le.PutUint16(b[48:], infoSector)
	le.PutUint16(b[50:], backupSector)
}

// extendedBPB fills drive number, signature, serial, label and type.
func (v *Volume) extendedBPB(b []byte) {
	b[0], b[2] = 0x80, 0x29
	binary.LittleEndian.PutUint32(b[3:], v.opts.Serial)
	label := v.bootLabel()
	copy(b[7:18], label[:])
	copy(b[18:26], map[int]string{12: "FAT12   ", 16: "FAT16   ", 32: "FAT32   "}[v.geo.bits])
}

// putStub places the stub code at offset code, points the jump at it and
// patches the message address (the code runs at 0x7C00).
func putStub(b []byte, code int) {
	b[0], b[1], b[2] = 0xEB, byte(code-2), 0x90
	copy(b[code:], stubCode)
	binary.LittleEndian.PutUint16(b[code+3:], uint16(0x7C00+code+stubMessage))
}

// infoSectorBytes encodes the FAT32 FSInfo sector: free cluster count
// and the most recently allocated cluster.
func (v *Volume) infoSectorBytes() []byte {
	le := binary.LittleEndian
	b := make([]byte, sectorSize)
	le.PutUint32(b[0:], 0x41615252)
	le.PutUint32(b[484:], 0x61417272)
	le.PutUint32(b[488:], v.geo.clusters-(v.last-1))
	le.PutUint32(b[492:], v.last)
	b[510], b[511] = 0x55, 0xAA
	return b
}
