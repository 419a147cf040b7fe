package diskimg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Spec describes a disk image; it is the JSON document cairn's compiler
// writes.
type Spec struct {
	Name        string      `json:"name"`        // output file base name
	Table       string      `json:"table"`       // "gpt" or "mbr"
	Size        int64       `json:"size"`        // disk size in bytes; 0 = fit
	Align       int64       `json:"align"`       // alignment in bytes; 0 = 1 MiB
	Compression string      `json:"compression"` // "none" (or ""), "zstd" or "xz"
	Bmap        bool        `json:"bmap"`        // also write NAME.bmap
	Partitions  []Partition `json:"partitions"`
	RawWrites   []RawWrite  `json:"raw_writes"`
}

// Partition is one partition of a [Spec].
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

// Compression kinds.
const (
	None = "none"
	Zstd = "zstd"
	Xz   = "xz"
)

// defaultAlign is the alignment when the spec gives none: 1 MiB, what
// every current partitioning tool uses.
const defaultAlign = 1 << 20

// sector is the logical sector size.
const sector = 512

// DecodeSpec reads a spec strictly: unknown fields and trailing data are
// errors. [Build] validates the values.
func DecodeSpec(r io.Reader) (*Spec, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode spec: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode spec: trailing data after the JSON object")
	}
	return &s, nil
}

// Check validates the spec's own fields.
func (s *Spec) Check() error {
	if err := checkName(s.Name); err != nil {
		return err
	}
	if s.Table != GPT && s.Table != MBR {
		return fmt.Errorf("table is %q; want %q or %q", s.Table, GPT, MBR)
	}
	switch s.Compression {
	case "", None, Zstd, Xz:
	default:
		return fmt.Errorf("compression is %q; want %q, %q or %q", s.Compression, None, Zstd, Xz)
	}
	if s.Size < 0 || s.Size%sector != 0 {
		return fmt.Errorf("disk size %d is not a non-negative multiple of %d bytes", s.Size, sector)
	}
	if s.Align < 0 || s.Align%sector != 0 {
		return fmt.Errorf("align %d is not a positive multiple of %d bytes (0 means 1 MiB)", s.Align, sector)
	}
	return s.checkItems()
}

// checkItems validates partitions and raw writes.
func (s *Spec) checkItems() error {
	for i, p := range s.Partitions {
		if p.Size < 0 || p.Size%sector != 0 {
			return fmt.Errorf("partition %s: size %d is not a non-negative multiple of %d bytes", label(p, i), p.Size, sector)
		}
		if p.Offset < 0 || p.Offset%sector != 0 {
			return fmt.Errorf("partition %s: offset %d is not aligned to %d bytes", label(p, i), p.Offset, sector)
		}
		if p.Image == "" && p.Size == 0 {
			return fmt.Errorf("partition %s has no image and no size: give it a size", label(p, i))
		}
	}
	for _, w := range s.RawWrites {
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

// align returns the effective alignment.
func (s *Spec) align() int64 {
	if s.Align == 0 {
		return defaultAlign
	}
	return s.Align
}

// compression returns the effective compression.
func (s *Spec) compression() string {
	if s.Compression == "" {
		return None
	}
	return s.Compression
}

// label names partition i of the spec in messages.
func label(p Partition, i int) string {
	if p.Name == "" {
		return fmt.Sprintf("#%d", i+1)
	}
	return fmt.Sprintf("%q", p.Name)
}
