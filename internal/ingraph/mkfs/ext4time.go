package mkfs

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
)

// ext4 feature bits and flags stampExt4 needs (see the kernel's
// Documentation/filesystems/ext4/).
const (
	compatSparseSuper2 = 0x200
	incompatMetaBG     = 0x10
	incompat64bit      = 0x80
	incompatCsumSeed   = 0x2000
	roSparseSuper      = 0x1
	roMetadataCsum     = 0x400
	bgInodeUninit      = 0x1
)

// castagnoli is the CRC-32C table ext4's checksums use.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc32c continues ext4's raw CRC-32C (no final inversion) from seed.
func crc32c(seed uint32, p []byte) uint32 { return ^crc32.Update(^seed, castagnoli, p) }

// ext4Super is what stampExt4 needs from the primary superblock.
type ext4Super struct {
	blockSize, descSize, inodeSize int64
	firstData, perGroup, groups    int64
	inodesPerGroup                 int64
	sparse, sparse2, csum          bool
	backups                        [2]int64 // sparse_super2 backup groups
	seed                           uint32   // inode checksum seed
}

// stampExt4 sets every timestamp of the ext4 image in f to epoch: the
// atime, ctime, mtime and crtime (nanoseconds 0) of every inode marked
// in use that is not all zeros, and the write, creation and last-check
// times of the superblock and its backups, updating their checksums.
func stampExt4(f *os.File, epoch int64) error {
	raw := make([]byte, 1024)
	if _, err := f.ReadAt(raw, 1024); err != nil {
		return err
	}
	sb, err := parseSuper(raw)
	if err != nil {
		return err
	}
	for g := range sb.groups {
		if err := sb.stampInodes(f, g, epoch); err != nil {
			return fmt.Errorf("ext4 group %d: %w", g, err)
		}
	}
	return sb.stampSupers(f, epoch)
}

// parseSuper decodes the fields of a superblock stampExt4 needs.
func parseSuper(b []byte) (*ext4Super, error) {
	le := binary.LittleEndian
	if le.Uint16(b[0x38:]) != 0xEF53 {
		return nil, fmt.Errorf("no ext4 superblock (magic %#x)", le.Uint16(b[0x38:]))
	}
	compat, incompat, ro := le.Uint32(b[0x5C:]), le.Uint32(b[0x60:]), le.Uint32(b[0x64:])
	if incompat&incompatMetaBG != 0 {
		return nil, fmt.Errorf("ext4 meta_bg layout is not supported")
	}
	sb := &ext4Super{
		blockSize: 1024 << le.Uint32(b[0x18:]), descSize: 32, inodeSize: int64(le.Uint16(b[0x58:])),
		firstData: int64(le.Uint32(b[0x14:])), perGroup: int64(le.Uint32(b[0x20:])),
		inodesPerGroup: int64(le.Uint32(b[0x28:])),
		sparse:         ro&roSparseSuper != 0, sparse2: compat&compatSparseSuper2 != 0, csum: ro&roMetadataCsum != 0,
		backups: [2]int64{int64(le.Uint32(b[0x24C:])), int64(le.Uint32(b[0x250:]))},
		seed:    crc32c(^uint32(0), b[0x68:0x78]),
	}
	if incompat&incompat64bit != 0 {
		sb.descSize = int64(le.Uint16(b[0xFE:]))
	}
	if incompat&incompatCsumSeed != 0 {
		sb.seed = le.Uint32(b[0x270:])
	}
	blocks := int64(le.Uint32(b[0x04:]))
	if incompat&incompat64bit != 0 {
		blocks |= int64(le.Uint32(b[0x150:])) << 32
	}
	sb.groups = (blocks - sb.firstData + sb.perGroup - 1) / sb.perGroup
	return sb, nil
}

// readAt reads n bytes at off.
func readAt(f *os.File, off, n int64) ([]byte, error) {
	b := make([]byte, n)
	_, err := f.ReadAt(b, off)
	return b, err
}

// stampInodes stamps the inodes of group g in use.
func (sb *ext4Super) stampInodes(f *os.File, g, epoch int64) error {
	le := binary.LittleEndian
	d, err := readAt(f, (sb.firstData+1)*sb.blockSize+g*sb.descSize, sb.descSize)
	if err != nil || le.Uint16(d[0x12:])&bgInodeUninit != 0 {
		return err
	}
	bitmap, table := int64(le.Uint32(d[0x04:])), int64(le.Uint32(d[0x08:]))
	unused := int64(le.Uint16(d[0x1C:]))
	if sb.descSize >= 64 {
		bitmap |= int64(le.Uint32(d[0x24:])) << 32
		table |= int64(le.Uint32(d[0x28:])) << 32
		unused |= int64(le.Uint16(d[0x32:])) << 16
	}
	used := sb.inodesPerGroup - unused
	bits, err := readAt(f, bitmap*sb.blockSize, (used+7)/8)
	if err != nil {
		return err
	}
	inodes, err := readAt(f, table*sb.blockSize, used*sb.inodeSize)
	if err != nil {
		return err
	}
	for i := range used {
		ino := inodes[i*sb.inodeSize : (i+1)*sb.inodeSize]
		if bits[i/8]&(1<<(i%8)) != 0 && !bytes.Equal(ino, make([]byte, len(ino))) {
			sb.stampInode(ino, uint32(g*sb.inodesPerGroup+i+1), epoch)
		}
	}
	_, err = f.WriteAt(inodes, table*sb.blockSize)
	return err
}

// stampInode sets the four timestamps of one inode and its checksum.
func (sb *ext4Super) stampInode(b []byte, ino uint32, epoch int64) {
	le := binary.LittleEndian
	lo, hi := uint32(epoch), uint32((epoch-int64(int32(uint32(epoch))))>>32)&3
	for _, off := range []int{0x08, 0x0C, 0x10} { // atime, ctime, mtime
		le.PutUint32(b[off:], lo)
	}
	extra := 0
	if sb.inodeSize > 128 {
		extra = int(le.Uint16(b[0x80:]))
	}
	for _, f := range []struct{ off, need int }{{0x84, 8}, {0x88, 12}, {0x8C, 16}, {0x94, 24}} { // *_extra
		if extra >= f.need {
			le.PutUint32(b[f.off:], hi)
		}
	}
	if extra >= 20 {
		le.PutUint32(b[0x90:], lo) // crtime
	}
	if sb.csum {
		inodeChecksum(b, ino, sb.seed, extra >= 4)
	}
}

// inodeChecksum stores the CRC-32C of inode number, generation and inode
// (checksum fields zeroed) in i_checksum_lo and, when the inode has room,
// i_checksum_hi.
func inodeChecksum(b []byte, ino, seed uint32, hasHi bool) {
	le := binary.LittleEndian
	var num [4]byte
	le.PutUint32(num[:], ino)
	crc := crc32c(crc32c(seed, num[:]), b[0x64:0x68])
	le.PutUint16(b[0x7C:], 0)
	if hasHi {
		le.PutUint16(b[0x82:], 0)
	}
	crc = crc32c(crc, b)
	le.PutUint16(b[0x7C:], uint16(crc))
	if hasHi {
		le.PutUint16(b[0x82:], uint16(crc>>16))
	}
}

// stampSupers stamps the primary superblock and every backup.
func (sb *ext4Super) stampSupers(f *os.File, epoch int64) error {
	for g := range sb.groups {
		if !sb.hasSuper(g) {
			continue
		}
		off := int64(1024)
		if g > 0 {
			off = (sb.firstData + g*sb.perGroup) * sb.blockSize
		}
		if err := sb.stampSuper(f, off, epoch); err != nil {
			return err
		}
	}
	return nil
}

// stampSuper sets the write, creation and last-check times of the
// superblock at off and its checksum.
func (sb *ext4Super) stampSuper(f *os.File, off, epoch int64) error {
	le := binary.LittleEndian
	b, err := readAt(f, off, 1024)
	if err != nil {
		return err
	}
	if le.Uint16(b[0x38:]) != 0xEF53 {
		return fmt.Errorf("no superblock copy at byte %d", off)
	}
	for _, t := range []struct{ lo, hi int }{{0x30, 0x274}, {0x108, 0x276}, {0x40, 0x277}} {
		le.PutUint32(b[t.lo:], uint32(epoch))
		b[t.hi] = byte(epoch >> 32)
	}
	if sb.csum {
		le.PutUint32(b[0x3FC:], crc32c(^uint32(0), b[:0x3FC]))
	}
	_, err = f.WriteAt(b, off)
	return err
}

// hasSuper reports whether group g holds a superblock copy.
func (sb *ext4Super) hasSuper(g int64) bool {
	switch {
	case g == 0:
		return true
	case sb.sparse2:
		return g == sb.backups[0] || g == sb.backups[1]
	case !sb.sparse || g == 1:
		return true
	}
	return isPower(g, 3) || isPower(g, 5) || isPower(g, 7)
}

// isPower reports whether n is a power of base.
func isPower(n, base int64) bool {
	for n > 1 && n%base == 0 {
		n /= base
	}
	return n == 1
}
