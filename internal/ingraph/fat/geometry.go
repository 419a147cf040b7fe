package fat

import "fmt"

// sectorSize is the logical sector size; it is always 512, the only size
// every firmware reads.
const sectorSize = 512

// Cluster-count limits, as in mkfs.fat: FAT12 stops two short of the
// specification's 4085 because Windows and Linux disagree on the border,
// and FAT32 starts at 65525 clusters.
const (
	maxClust12 = 4084
	minClust16 = 4087
	maxClust16 = 65524
	minClust32 = 65525
	maxClust32 = 268435446
)

// geometry is the shape of one FAT volume: what the BPB records.
type geometry struct {
	bits          int    // 12, 16 or 32
	sectors       uint32 // sectors in the volume (a whole number of tracks)
	secPerCluster uint32
	reserved      uint32 // sectors before the first FAT
	fatLength     uint32 // sectors per FAT
	rootEntries   uint32 // fixed root directory slots (FAT12/16; 0 on FAT32)
	clusters      uint32 // data clusters, numbered from 2
	secsTrack     uint32
	heads         uint32
}

// clusterBytes is the size of one cluster.
func (g geometry) clusterBytes() int64 { return int64(g.secPerCluster) * sectorSize }

// rootSectors is the size of the fixed root directory (FAT12/16).
func (g geometry) rootSectors() uint32 { return cdiv(g.rootEntries*32, sectorSize) }

// fatOffset is the byte offset of FAT copy i (0 or 1).
func (g geometry) fatOffset(i int) int64 {
	return int64(g.reserved+uint32(i)*g.fatLength) * sectorSize
}

// rootOffset is the byte offset of the fixed root directory.
func (g geometry) rootOffset() int64 { return g.fatOffset(2) }

// clusterOffset is the byte offset of cluster c (c >= 2).
func (g geometry) clusterOffset(c uint32) int64 {
	first := int64(g.reserved+2*g.fatLength+g.rootSectors()) * sectorSize
	return first + int64(c-2)*g.clusterBytes()
}

// newGeometry chooses the layout mkfs.fat 4.2 would choose for a fixed
// disk (not a floppy) of size bytes with 2 FATs, 512-byte sectors and
// structure alignment: FAT32 from 512 MiB up (or when force32 is set,
// then with at least 65525 clusters), else FAT12 or FAT16 with the
// smallest cluster, from 2 KiB up, that fits. rootEntries is the
// minimum number of fixed root directory slots (512 unless the root
// directory needs more).
func newGeometry(size int64, force32 bool, rootEntries uint32) (geometry, error) {
	total := size / sectorSize
	if total > 0xFFFFFFFF {
		return geometry{}, fmt.Errorf("a FAT volume holds at most %d bytes, not %d", int64(0xFFFFFFFF)*sectorSize, size)
	}
	g := geometry{bits: 0, secPerCluster: 4, reserved: 1, rootEntries: rootEntries}
	g.heads, g.secsTrack = chs(uint32(total))
	if force32 || size >= 512<<20 {
		g.bits, g.reserved, g.rootEntries = 32, 32, 0
		g.secPerCluster = fat32ClusterSectors(total)
	}
	g.sectors = uint32(total) / g.secsTrack * g.secsTrack
	if err := g.fit(); err != nil {
		return geometry{}, err
	}
	if startBlock := (g.clusterOffset(2)/sectorSize + 1) / 2; size/1024 < startBlock+32 {
		return geometry{}, fmt.Errorf("%d bytes is too small for a FAT volume", size)
	}
	return g, nil
}

// chs returns the heads and sectors per track mkfs.fat records when the
// device reports no geometry: the SD card recommendation below 256 MiB,
// LBA-assist translation above.
func chs(total uint32) (heads, secsTrack uint32) {
	switch {
	case total <= 4096:
		return 2, 16
	case total <= 32768:
		return 2, 32
	case total <= 65536:
		return 4, 32
	case total <= 262144:
		return 8, 32
	case total <= 524288:
		return 16, 32
	case total <= 16*63*1024:
		return 16, 63
	case total <= 32*63*1024:
		return 32, 63
	case total <= 64*63*1024:
		return 64, 63
	case total <= 128*63*1024:
		return 128, 63
	}
	return 255, 63
}

// fat32ClusterSectors follows Microsoft's FAT32 table: 512-byte clusters
// up to 260 MiB, 4 KiB to 8 GiB, 8 KiB to 16 GiB, 16 KiB to 32 GiB, 32 KiB
// above.
func fat32ClusterSectors(total int64) uint32 {
	switch {
	case total > 32*1024*1024*2:
		return 64
	case total > 16*1024*1024*2:
		return 32
	case total > 8*1024*1024*2:
		return 16
	case total > 260*1024*2:
		return 8
	}
	return 1
}

// cdiv is ceil(a/b).
func cdiv(a, b uint32) uint32 { return (a + b - 1) / b }
