package diskimg

import (
	"fmt"
	"unicode/utf16"
)

// GPT geometry: 128 entries of 128 bytes fill LBA 2-33.
const (
	gptEntries   = 128
	gptEntrySize = 128
	gptSectors   = 1 + gptEntries*gptEntrySize/sector // header + entries
	gptNameUnits = 36
	maxMBRParts  = 4
	maxMBRSector = 1 << 32
)

// layout is a spec with every size and offset resolved.
type layout struct {
	spec  *Spec
	size  int64
	parts []placed
	raws  []placedRaw
}

// placed is a partition with its resolved type and place.
type placed struct {
	Partition
	label     string
	typ       partType
	imageSize int64
}

// placedRaw is a raw write with its length.
type placedRaw struct {
	RawWrite
	size int64
}

// end returns the first byte after the partition.
func (p placed) end() int64 { return p.Offset + p.Size }

// plan resolves spec given the sizes of its partition images (0 for
// those without one) and raw-write files.
func plan(spec *Spec, imageSizes, rawSizes []int64) (*layout, error) {
	if err := checkCount(spec); err != nil {
		return nil, err
	}
	l := &layout{spec: spec}
	cursor := headEnd(spec.Table)
	for i, p := range spec.Partitions {
		pp, err := place(spec, i, p, imageSizes[i], cursor)
		if err != nil {
			return nil, err
		}
		l.parts = append(l.parts, pp)
		cursor = pp.end()
	}
	for i, w := range spec.RawWrites {
		l.raws = append(l.raws, placedRaw{w, rawSizes[i]})
	}
	if err := checkOverlaps(l.extents()); err != nil {
		return nil, err
	}
	if err := l.sizeDisk(); err != nil {
		return nil, err
	}
	return l, l.checkMBRLimits()
}

// checkCount enforces the table's partition limit.
func checkCount(spec *Spec) error {
	n := len(spec.Partitions)
	if spec.Table == MBR && n > maxMBRParts {
		return fmt.Errorf("an MBR table holds at most %d partitions, the spec has %d: use table = \"gpt\"", maxMBRParts, n)
	}
	if n > gptEntries {
		return fmt.Errorf("a GPT table holds at most %d partitions, the spec has %d", gptEntries, n)
	}
	return nil
}

// headEnd is the first byte after the table structures at the start.
func headEnd(table string) int64 {
	if table == GPT {
		return (1 + gptSectors) * sector
	}
	return sector
}

// tailSize is the room the table needs at the end of the disk.
func tailSize(table string) int64 {
	if table == GPT {
		return gptSectors * sector
	}
	return 0
}

// place resolves partition i, whose automatic offset follows cursor.
func place(spec *Spec, i int, p Partition, imageSize, cursor int64) (placed, error) {
	pp := placed{Partition: p, label: p.Label(i), imageSize: imageSize}
	var err error
	if pp.typ, err = resolveType(spec.Table, p.Type); err != nil {
		return pp, fmt.Errorf("partition %s: %w", pp.label, err)
	}
	if err := checkPartName(spec.Table, pp); err != nil {
		return pp, err
	}
	switch {
	case p.Size == 0 && imageSize == 0:
		return pp, fmt.Errorf("partition %s: image %s is empty: give the partition a size", pp.label, p.Image)
	case p.Size == 0:
		pp.Size = roundUp(imageSize, alignOf(spec))
	case p.Size < imageSize:
		return pp, fmt.Errorf("partition %s needs at least %s for its contents; size is %s: raise size= or use 0 to fit the image",
			pp.label, sizeText(imageSize), sizeShort(p.Size))
	}
	if p.Offset == 0 {
		pp.Offset = roundUp(cursor, alignOf(spec))
	}
	return pp, nil
}

// checkPartName limits GPT names to the 36 UTF-16 code units an entry
// holds.
func checkPartName(table string, p placed) error {
	if n := len(utf16.Encode([]rune(p.Name))); table == GPT && n > gptNameUnits {
		return fmt.Errorf("partition %s: name is %d UTF-16 code units long; GPT allows at most %d", p.label, n, gptNameUnits)
	}
	return nil
}

// sizeDisk sets the disk size, or checks the explicit one.
func (l *layout) sizeDisk() error {
	need := headEnd(l.spec.Table)
	for _, p := range l.parts {
		need = max(need, p.end())
	}
	for _, w := range l.raws {
		need = max(need, w.Offset+w.size)
	}
	need += tailSize(l.spec.Table)
	if l.spec.Size == 0 {
		l.size = roundUp(need, alignOf(l.spec))
		return nil
	}
	if l.spec.Size < need {
		return fmt.Errorf("disk size is %s but the partitions, raw writes and table need at least %s: raise size= or use 0 to fit",
			sizeShort(l.spec.Size), sizeText(need))
	}
	l.size = l.spec.Size
	return nil
}

// checkMBRLimits rejects partitions an MBR entry cannot address.
func (l *layout) checkMBRLimits() error {
	if l.spec.Table != MBR {
		return nil
	}
	for _, p := range l.parts {
		if p.end()/sector > maxMBRSector {
			return fmt.Errorf("partition %s ends at %s, beyond the 2 TiB an MBR can address: use table = \"gpt\"", p.label, sizeText(p.end()))
		}
	}
	return nil
}
