package request

import (
	"fmt"
	"strings"
)

// Disk asks for a whole-disk image (partition table, partitions and raw
// writes) written into the directory Out, created if missing.
type Disk struct {
	Name        string      `json:"name"`        // output file base name
	Table       string      `json:"table"`       // GPT or MBR
	Size        int64       `json:"size"`        // disk size in bytes; 0 = fit
	Align       int64       `json:"align"`       // alignment in bytes; 0 = 1 MiB
	Compression string      `json:"compression"` // None (or ""), Zstd or Xz
	Bmap        bool        `json:"bmap"`        // also write NAME.bmap
	Partitions  []Partition `json:"partitions"`
	RawWrites   []RawWrite  `json:"raw_writes"`
	Out         string      `json:"out"`
}

// Partition is one partition of a Disk.
type Partition struct {
	Name     string `json:"name"`     // GPT partition name; used in messages
	Type     string `json:"type"`     // alias, GUID (GPT) or "0xNN" (MBR)
	Size     int64  `json:"size"`     // bytes; 0 = image size rounded up to Align
	Offset   int64  `json:"offset"`   // bytes; 0 = next aligned position
	Bootable bool   `json:"bootable"` // GPT attribute bit 2, MBR active flag
	Image    string `json:"image"`    // contents; "" = zeros
}

// RawWrite places a file's bytes at a fixed offset of the disk.
type RawWrite struct {
	Offset int64  `json:"offset"`
	File   string `json:"file"`
}

// Table kinds.
const (
	GPT = "gpt"
	MBR = "mbr"
)

// Compression kinds of a disk image.
const (
	None = "none"
	Zstd = "zstd"
	Xz   = "xz"
)

// SectorSize is the logical sector size of a disk: sizes and offsets are
// multiples of it.
const SectorSize = 512

// Command implements Request.
func (Disk) Command() string { return "disk" }

// Check implements Request: Out and CheckSpec.
func (d Disk) Check() error {
	if err := required(d.Command(), "out", d.Out); err != nil {
		return err
	}
	return d.CheckSpec()
}

// CheckSpec validates the disk's own fields, whatever Out is; the helper
// checks the layout (overlaps, sizes of the images) as it plans.
func (d Disk) CheckSpec() error {
	if err := checkName(d.Name); err != nil {
		return err
	}
	if d.Table != GPT && d.Table != MBR {
		return fmt.Errorf("table is %q; want %q or %q", d.Table, GPT, MBR)
	}
	switch d.Compression {
	case "", None, Zstd, Xz:
	default:
		return fmt.Errorf("compression is %q; want %q, %q or %q", d.Compression, None, Zstd, Xz)
	}
	if d.Size < 0 || d.Size%SectorSize != 0 {
		return fmt.Errorf("disk size %d is not a non-negative multiple of %d bytes", d.Size, SectorSize)
	}
	if d.Align < 0 || d.Align%SectorSize != 0 {
		return fmt.Errorf("align %d is not a positive multiple of %d bytes (0 means 1 MiB)", d.Align, SectorSize)
	}
	return d.checkItems()
}

// checkItems validates partitions and raw writes.
func (d Disk) checkItems() error {
	for i, p := range d.Partitions {
		if p.Size < 0 || p.Size%SectorSize != 0 {
			return fmt.Errorf("partition %s: size %d is not a non-negative multiple of %d bytes", p.Label(i), p.Size, SectorSize)
		}
		if p.Offset < 0 || p.Offset%SectorSize != 0 {
			return fmt.Errorf("partition %s: offset %d is not aligned to %d bytes", p.Label(i), p.Offset, SectorSize)
		}
		if p.Image == "" && p.Size == 0 {
			return fmt.Errorf("partition %s has no image and no size: give it a size", p.Label(i))
		}
	}
	for _, w := range d.RawWrites {
		if w.Offset < 0 || w.File == "" {
			return fmt.Errorf("raw write %q at offset %d: want a file and a non-negative offset", w.File, w.Offset)
		}
	}
	return nil
}

// checkName accepts a plain file base name.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("name %q is not a plain file name", name)
	}
	return nil
}

// Label names partition i of a disk in messages: its name, quoted, or
// "#N" counting from 1.
func (p Partition) Label(i int) string {
	if p.Name == "" {
		return fmt.Sprintf("#%d", i+1)
	}
	return fmt.Sprintf("%q", p.Name)
}
