package diskimg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// bmapHeader is bmaptool's preamble, byte for byte (bmap-tools 3.6,
// BmapCreate.py), up to the block count.
const bmapHeader = `<?xml version="1.0" ?>
<!-- This file contains the block map for an image file, which is basically
     a list of useful (mapped) block numbers in the image file. In other words,
     it lists only those blocks which contain data (boot sector, partition
     table, file-system metadata, files, directories, extents, etc). These
     blocks have to be copied to the target device. The other blocks do not
     contain any useful data and do not have to be copied to the target
     device.

     The block map an optimization which allows to copy or flash the image to
     the image quicker than copying of flashing the entire image. This is
     because with bmap less data is copied: <MappedBlocksCount> blocks instead
     of <BlocksCount> blocks.

     Besides the machine-readable data, this file contains useful commentaries
     which contain human-readable information like image size, percentage of
     mapped data, etc.

     The 'version' attribute is the block map file format version in the
     'major.minor' format. The version major number is increased whenever an
     incompatible block map format change is made. The minor number changes
     in case of minor backward-compatible changes. -->

<bmap version="2.0">
    <!-- Image size in bytes: %s -->
    <ImageSize> %d </ImageSize>

    <!-- Size of a block in bytes -->
    <BlockSize> %d </BlockSize>

    <!-- Count of blocks in the image file -->
    <BlocksCount> %d </BlocksCount>

`

// bmapChecksumIntro precedes the file checksum.
const bmapChecksumIntro = `    <!-- Type of checksum used in this file -->
    <ChecksumType> sha256 </ChecksumType>

    <!-- The checksum of this bmap file. When it is calculated, the value of
         the checksum has be zero (all ASCII "0" symbols).  -->
    <BmapFileChecksum> `

// bmapMapIntro follows the file checksum.
const bmapMapIntro = ` </BmapFileChecksum>

    <!-- The block map which consists of elements which may either be a
         range of blocks or a single block. The 'chksum' attribute
         (if present) is the checksum of this blocks range. -->
    <BlockMap>
`

// encodeBmap renders the bmap of an image of size bytes as bmaptool
// create does, including its habit of writing the mapped-block summary
// over space placeholders sized for the image totals, and of computing
// the file checksum with the checksum field set to 64 "0"s.
func encodeBmap(size int64, sc *scanResult) []byte {
	blocks := (size + blockSize - 1) / blockSize
	imageHuman := bmapHuman(size)
	var b bytes.Buffer
	fmt.Fprintf(&b, bmapHeader, imageHuman, size, blockSize, blocks)
	b.WriteString("    <!-- Count of mapped blocks: ")
	pos1 := b.Len()
	fmt.Fprintf(&b, "%s or %s   -->\n    <MappedBlocksCount> ", spaces(imageHuman), spaces("100.0%"))
	pos2 := b.Len()
	fmt.Fprintf(&b, "%s </MappedBlocksCount>\n\n", spaces(strconv.FormatInt(blocks, 10)))
	b.WriteString(bmapChecksumIntro)
	sumPos := b.Len()
	b.WriteString(strings.Repeat("0", sha256.Size*2) + bmapMapIntro)
	for _, r := range sc.ranges {
		b.WriteString(bmapRangeLine(r))
	}
	b.WriteString("    </BlockMap>\n</bmap>\n")
	out := b.Bytes()
	percent := float64(sc.mapped) * 100 / float64(blocks)
	copy(out[pos1:], fmt.Sprintf("%s or %.1f%%", bmapHuman(sc.mapped*blockSize), percent))
	copy(out[pos2:], strconv.FormatInt(sc.mapped, 10))
	sum := sha256.Sum256(out)
	copy(out[sumPos:], hex.EncodeToString(sum[:]))
	return out
}

// bmapRangeLine renders one BlockMap element.
func bmapRangeLine(r bmapRange) string {
	span := strconv.FormatInt(r.first, 10)
	if r.last != r.first {
		span += "-" + strconv.FormatInt(r.last, 10)
	}
	return fmt.Sprintf("        <Range chksum=\"%x\"> %s </Range>\n", r.sum, span)
}

// spaces returns as many spaces as s has bytes.
func spaces(s string) string { return strings.Repeat(" ", len(s)) }

// bmapHuman is bmaptool's human_size.
func bmapHuman(n int64) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 512:
		return fmt.Sprintf("%d bytes", n)
	}
	v := float64(n)
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		if v /= 1024; v < 1024 {
			return fmt.Sprintf("%.1f %s", v, unit)
		}
	}
	return fmt.Sprintf("%.1f EiB", v)
}
