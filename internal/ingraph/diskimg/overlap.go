package diskimg

import (
	"cmp"
	"fmt"
	"slices"
)

// mbrTableStart is where the MBR's disk signature and partition table
// begin; bytes before it are boot code that raw writes may fill.
const mbrTableStart = 440

// extent is a byte range [start, end) of the disk with a description.
type extent struct {
	start, end int64
	what       string
	fixed      bool // a table structure, which cannot move
}

// String names the extent and its inclusive byte range.
func (e extent) String() string {
	return fmt.Sprintf("%s (bytes %d-%d)", e.what, e.start, e.end-1)
}

// extents lists everything that occupies the disk before its size is
// known: the table structures at the start, partitions and raw writes.
// The backup GPT cannot collide: the disk size leaves room for it.
func (l *layout) extents() []extent {
	var es []extent
	if l.spec.Table == GPT {
		es = append(es,
			extent{mbrTableStart, sector, "the protective MBR's partition table", true},
			extent{sector, headEnd(GPT), "the primary GPT header and partition entries", true})
	} else {
		es = append(es, extent{mbrTableStart, sector, "the MBR partition table", true})
	}
	for _, p := range l.parts {
		es = append(es, extent{p.Offset, p.end(), "partition " + p.label, false})
	}
	for _, w := range l.raws {
		es = append(es, extent{w.Offset, w.Offset + w.size, fmt.Sprintf("raw write %q", w.File), false})
	}
	return es
}

// checkOverlaps reports the first pair of extents that share a byte.
func checkOverlaps(es []extent) error {
	es = slices.DeleteFunc(slices.Clone(es), func(e extent) bool { return e.end <= e.start })
	slices.SortStableFunc(es, func(a, b extent) int { return cmp.Compare(a.start, b.start) })
	var reach extent // the extent reaching furthest so far
	for _, e := range es {
		if e.start < reach.end {
			return overlapError(e, reach)
		}
		if e.end > reach.end {
			reach = e
		}
	}
	return nil
}

// overlapError reports that a and b share bytes, naming first what can
// move.
func overlapError(a, b extent) error {
	if a.fixed {
		a, b = b, a
	}
	if b.fixed {
		return fmt.Errorf("%s overlaps %s: move it to a free offset", a, b)
	}
	return fmt.Errorf("%s overlaps %s: move one of them to a free offset", a, b)
}
