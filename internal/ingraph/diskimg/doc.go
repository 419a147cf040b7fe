// Package diskimg assembles whole-disk images: a GPT or MBR partition
// table, partition contents copied from file-system images, and raw blobs
// such as boot loaders written at fixed byte offsets.
//
// cairn's outputs must be bit-for-bit reproducible, and the usual tools
// for this job are not: sfdisk, sgdisk and parted stamp random disk and
// partition GUIDs and random MBR disk signatures, and genimage-like tools
// depend on the host. This package computes every byte from the spec and
// the input images, so the same inputs always give the same image.
//
// # Layout
//
// Sizes and offsets are in bytes; sectors are 512 bytes. A partition with
// size 0 gets its image's size rounded up to the spec's alignment (default
// 1 MiB); one with offset 0 starts at the first aligned position after the
// previous partition, or after the table structures for the first one
// (so at 1 MiB by default). Explicit offsets must be multiples of 512.
// Nothing may overlap: partitions, raw writes, the MBR's partition table
// (bytes 440-511) and, for GPT, the primary header and 128 entries (LBA
// 1-33) and the backup entries and header (the last 33 sectors). Raw
// writes may fill the MBR boot code (bytes 0-439). A disk of size 0 ends
// at the last partition or raw write plus room for the backup GPT,
// rounded up to the alignment.
//
// GPT tables follow UEFI 2.10 chapter 5 with 128 entries of 128 bytes,
// first usable LBA 34 and last usable LBA (sectors - 34); partition names
// are UTF-16LE, at most 36 code units. The protective MBR is the one
// sfdisk writes: a single 0xEE entry from LBA 1 with CHS start 0/0/2 and
// CHS end 0xFFFFFF, disk signature 0. MBR entries carry CHS addresses the
// way sfdisk computes them for an image file (255 heads, 63 sectors per
// track, cylinders above 1023 clamped to 1023/254/63).
//
// # Identifiers
//
// The disk GUID, each partition's unique GUID and the MBR disk signature
// derive from a seed:
//
//	seed = sha256(canonical JSON of the resolved layout)
//
// The canonical JSON is encoding/json's compact rendering of the resolved
// disk size and alignment, the partitions in spec order with resolved
// type (an upper-case GUID or "0xNN"), offset and size and the hex sha256
// of their images ("" for an empty partition), and the raw writes with
// the hex sha256 of their files, with keys in this order:
//
//	{"format":"cairn-diskimg/1","name":"sdcard","table":"gpt","size":30408704,"align":1048576,
//	 "partitions":[{"name":"boot","type":"C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
//	   "offset":1048576,"size":3145728,"bootable":true,"sha256":"<64 hex digits>"}],
//	 "raw_writes":[{"offset":0,"sha256":"<64 hex digits>"}]}
//
// Image paths and the output options (compression, bmap) are not part of
// it. From the seed in lower-case hex, S:
//
//	disk GUID        = uuid4(sha256("cairn-diskimg:disk-guid:" + S))
//	partition i GUID = uuid4(sha256("cairn-diskimg:partition-guid:" + i + ":" + S))   (i from 1, decimal)
//	MBR signature    = little-endian uint32 of sha256("cairn-diskimg:mbr-signature:" + S)[0:4]
//
// where uuid4 takes the first 16 bytes and sets the RFC 4122 variant and
// version 4 bits, as systemd-repart does for its derived GUIDs. Changing
// any byte of any input therefore changes every identifier.
//
// # Output
//
// The raw image is written sparse, through internal/ingraph/sparse as every
// image writer of the helper is: input data is read by SEEK_DATA/SEEK_HOLE
// ranges, 4 KiB blocks of the output that would be all zeros are never
// written, and the file is sized with ftruncate, so a
// 4 GiB disk holding 50 MB of data costs about 50 MB. A final pass over
// the raw image computes its sha256, feeds the optional compressor and
// builds the bmap. zstd runs as one deterministic goroutine. xz is
// written as concatenated streams (CRC64 check) of fixed 16 MiB slices,
// compressed several at a time because the pure-Go encoder is slow; the
// slicing is fixed, so the bytes do not depend on the machine.
//
// The bmap is bmaptool's format 2.0 with 4 KiB blocks, byte for byte as
// bmaptool create writes it, checksums included. A block is mapped
// exactly when it holds a non-zero byte, so the map does not depend on
// the file system the image was built on; since the image is written
// sparse, these are also the blocks bmaptool create would map.
package diskimg
