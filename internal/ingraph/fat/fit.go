package fat

import "fmt"

// fit chooses the cluster size, FAT width and FAT length the way
// mkfs.fat's setup_tables does: starting from the initial cluster size,
// try each width and double the cluster size until one fits. The
// arithmetic is unsigned 32-bit, like the C original, so that underflows
// on tiny volumes are rejected the same way.
func (g *geometry) fit() error {
	align := g.sectors > 8192 // mkfs.fat leaves floppy-sized volumes unaligned
	for ; g.secPerCluster <= 128; g.secPerCluster <<= 1 {
		fat32Data := g.sectors - alignTo(g.reserved, g.secPerCluster, align)
		fat1216Data := fat32Data - alignTo(cdiv(g.rootEntries*32, sectorSize), g.secPerCluster, align)
		c12, l12 := g.try12(fat1216Data, align)
		c16, l16 := g.try16(fat1216Data, align)
		c32, l32 := g.try32(fat32Data, align)
		switch {
		case g.bits == 32 && c32 != 0:
			return g.settle(32, c32, l32, align)
		case g.bits == 0 && (c12 != 0 || c16 != 0):
			if c16 > c12 {
				return g.settle(16, c16, l16, align)
			}
			return g.settle(12, c12, l12, align)
		}
	}
	if g.bits == 32 {
		return fmt.Errorf("%d sectors hold fewer than %d FAT32 clusters", g.sectors, minClust32)
	}
	return fmt.Errorf("%d sectors fit neither FAT12 nor FAT16", g.sectors)
}

// settle records the chosen width and aligns the reserved area and the
// root directory to the cluster size, as mkfs.fat does.
func (g *geometry) settle(bits int, clusters, fatLength uint32, align bool) error {
	g.bits, g.clusters, g.fatLength = bits, clusters, fatLength
	g.reserved = alignTo(g.reserved, g.secPerCluster, align)
	if bits == 32 {
		g.rootEntries = 0
	} else if align {
		g.rootEntries = alignTo(cdiv(g.rootEntries*32, sectorSize), g.secPerCluster, true) * (sectorSize / 32)
	}
	return nil
}

// try12 returns the FAT12 cluster count and FAT length for data sectors,
// or 0 clusters when FAT12 cannot address them.
func (g *geometry) try12(data uint32, align bool) (clusters, length uint32) {
	spc := g.secPerCluster
	clusters = uint32(2 * (int64(data)*sectorSize + 2*3) / (2*int64(spc)*sectorSize + 2*3))
	length = alignTo(cdiv(((clusters+2)*3+1)>>1, sectorSize), spc, align)
	clusters = (data - 2*length) / spc
	maxClusters := min(length*2*sectorSize/3, maxClust12)
	if clusters > maxClusters {
		return 0, length
	}
	return clusters, length
}

// try16 is try12 for FAT16, which also needs at least 4087 clusters.
func (g *geometry) try16(data uint32, align bool) (clusters, length uint32) {
	spc := g.secPerCluster
	clusters = uint32((int64(data)*sectorSize + 2*4) / (int64(spc)*sectorSize + 2*2))
	length = alignTo(cdiv((clusters+2)*2, sectorSize), spc, align)
	clusters = (data - 2*length) / spc
	maxClusters := min(length*sectorSize/2, maxClust16)
	if clusters > maxClusters || clusters < minClust16 {
		return 0, length
	}
	return clusters, length
}

// try32 is try12 for FAT32, which needs at least 65525 clusters (mkfs.fat
// allows fewer when FAT32 is forced; cairn does not, since such a volume
// is misdetected by drivers that count clusters).
func (g *geometry) try32(data uint32, align bool) (clusters, length uint32) {
	spc := g.secPerCluster
	clusters = uint32((int64(data)*sectorSize + 2*8) / (int64(spc)*sectorSize + 2*4))
	length = alignTo(cdiv((clusters+2)*4, sectorSize), spc, align)
	clusters = (data - 2*length) / spc
	maxClusters := min(length*sectorSize/4, maxClust32)
	if clusters > maxClusters || clusters < minClust32 {
		return 0, length
	}
	return clusters, length
}

// alignTo rounds n up to a multiple of the power of two to when align is
// set.
func alignTo(n, to uint32, align bool) uint32 {
	if !align {
		return n
	}
	return (n + to - 1) &^ (to - 1)
}
