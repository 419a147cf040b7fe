// Package fat writes FAT12, FAT16 and FAT32 file system images from a
// directory tree, reproducibly and without root or loop devices.
//
// cairn needs FAT for EFI system partitions and firmware partitions.
// mkfs.fat followed by mcopy would do, but mcopy stamps the clock, lays
// out files in readdir order and invents 8.3 names and serial numbers,
// so two builds never match. This package makes every choice a function
// of its inputs:
//
//   - The geometry (FAT width, cluster size, FAT length, reserved
//     sectors, heads and sectors per track) is the one mkfs.fat 4.2
//     chooses for a fixed disk of the same size, so an image of an empty
//     tree equals "mkfs.fat --invariant" output byte for byte; the OEM
//     name is "mkfs.fat" and the boot sector holds mkfs.fat's
//     "This is not a bootable disk" stub. FAT32 is refused below 65525
//     clusters (mkfs.fat allows it when forced). When the root
//     directory of a FAT12/16 volume needs more than mkfs.fat's 512
//     slots, the slot count is raised to fit.
//   - Directories list their entries sorted by name (byte order), after
//     "." and ".."; all directories are allocated first, in pre-order,
//     then all files, each contiguous; the FATs, FSInfo and backup boot
//     sector (FAT32) agree with that allocation, so fsck.fat is content.
//   - Names that are upper-case 8.3 names are stored as they are; all
//     others get VFAT long-name entries (UTF-16, so any Unicode name;
//     mtools and fsck.fat show characters beyond U+FFFF as "_", Windows
//     and Linux read them) and a short name "BASIS~N" with the first
//     free N, in sorted order. Names equal but for case are rejected, as
//     Windows cannot hold both; so are names FAT cannot store (control
//     characters, any of "*/:<>?\|, a trailing dot or space).
//   - Symbolic links are followed when they stay inside the tree (FAT
//     has no links, so the target is copied); hard links are copied once
//     per name; device nodes, FIFOs and sockets are errors.
//   - Every timestamp is the given epoch, read as UTC, clamped to
//     1980-01-01..2107-12-31 and truncated to FAT's 2 seconds.
//   - The volume serial number and label are given by the caller; the
//     label is stored upper-cased, in the boot sector and as the root
//     directory's first entry.
//
// Unwritten regions (free clusters, the tails of the FATs) are left for
// the caller's file to read as zeros, so images are sparse.
package fat

import (
	"fmt"
	"strings"
)

// Kind selects the FAT width.
type Kind int

const (
	// Auto picks FAT12, FAT16 or FAT32 by size, as mkfs.fat does:
	// FAT32 from 512 MiB up.
	Auto Kind = iota
	// FAT32 forces FAT32, which needs at least 65525 clusters.
	FAT32
)

// Options describe the volume to write.
type Options struct {
	Kind   Kind
	Size   int64  // bytes of the partition; 0 picks AutoSize
	Label  string // up to 11 ASCII characters, stored upper-cased; "" for none
	Serial uint32 // volume serial number ("volume ID")
	Offset int64  // byte offset of the partition on its disk, a multiple of 512
	Epoch  int64  // timestamp of every entry, seconds since 1970
}

// Volume is a tree laid out on a FAT volume, ready to be written.
type Volume struct {
	tree  *Tree
	geo   geometry
	size  int64
	label [11]byte
	opts  Options
	last  uint32 // highest allocated cluster
}

// Size is the number of bytes of the image: the partition size.
func (v *Volume) Size() int64 { return v.size }

// Bits is the FAT width: 12, 16 or 32.
func (v *Volume) Bits() int { return v.geo.bits }

// Label is the volume label as stored, "" for none.
func (v *Volume) Label() string {
	if !v.hasLabel() {
		return ""
	}
	return strings.TrimRight(string(v.label[:]), " ")
}

// noName is the label field of a volume without a label.
var noName = [11]byte{'N', 'O', ' ', 'N', 'A', 'M', 'E', ' ', ' ', ' ', ' '}

// Plan lays t out on a volume of opts.Size bytes, or of AutoSize bytes
// when opts.Size is 0. It returns a *TooSmallError when the tree does
// not fit.
func Plan(t *Tree, opts Options) (*Volume, error) {
	label, err := parseLabel(opts.Label)
	if err != nil {
		return nil, err
	}
	if opts.Offset < 0 || opts.Offset%sectorSize != 0 || opts.Offset/sectorSize > 0xFFFFFFFF {
		return nil, fmt.Errorf("partition offset %d is not a multiple of %d below 2 TiB", opts.Offset, sectorSize)
	}
	if opts.Size < 0 || opts.Size > maxMiB*mib {
		return nil, fmt.Errorf("a FAT volume holds at most 2 TiB, not %d bytes", opts.Size)
	}
	if err := t.prepare(); err != nil {
		return nil, err
	}
	v := &Volume{tree: t, label: label, opts: opts}
	if v.size = opts.Size; v.size == 0 {
		v.size = v.autoSize()
	}
	g, ok := v.fits(v.size, false)
	if !ok {
		return nil, v.tooSmall()
	}
	v.geo = g
	v.allocate()
	return v, nil
}

// parseLabel checks a label and returns its 11-byte form.
func parseLabel(s string) ([11]byte, error) {
	if s == "" {
		return [11]byte{}, nil
	}
	bad := func(why string) ([11]byte, error) {
		return [11]byte{}, fmt.Errorf("FAT label %q %s", s, why)
	}
	if len(s) > 11 {
		return bad("is longer than 11 characters")
	}
	if s[0] == ' ' {
		return bad("starts with a space")
	}
	for _, c := range []byte(s) {
		if c < 0x20 || c >= 0x7F || strings.IndexByte(`*?.,;:/\|+=<>[]"`, c) >= 0 {
			return bad(fmt.Sprintf("contains %q; use ASCII letters, digits, spaces and -_!#$%%&'()@^`{}~", c))
		}
	}
	var l [11]byte
	copy(l[:], fmt.Sprintf("%-11s", strings.ToUpper(s)))
	return l, nil
}

// hasLabel reports whether the volume has a label entry.
func (v *Volume) hasLabel() bool { return v.label != [11]byte{} }

// bootLabel is the label field of the boot sector.
func (v *Volume) bootLabel() [11]byte {
	if v.hasLabel() {
		return v.label
	}
	return noName
}
