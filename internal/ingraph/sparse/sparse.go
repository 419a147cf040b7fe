// Package sparse is how cairn's image writers (ISO 9660, disk images) deal
// with mostly-empty files, such as a 5 GiB sparse input or a 4 GiB disk with
// 300 MiB in it: [Ranges] finds where an input holds data (one walk over
// SEEK_DATA and SEEK_HOLE), so it is read by its data alone, and [Writer]
// and [Stream] write an output leaving every block that would hold only
// zeros as a hole, so it costs only the disk its data needs. The output's
// bytes are the same either way: holes read as zeros. Both writers share
// this one implementation, whether they write at offsets (the disk
// assembler places partitions and tables) or stream (the ISO writer).
package sparse

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Range is a run [Start, End) of bytes that may be non-zero; everything
// outside the ranges Ranges returns reads as zeros.
type Range struct{ Start, End int64 }

// Ranges lists the data ranges of f within [off, end). Where the file
// system cannot tell holes from data, the whole span is one range.
func Ranges(f *os.File, off, end int64) []Range {
	var out []Range
	for off < end {
		start, err := f.Seek(off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			break // only a hole is left
		}
		if err != nil {
			return append(out, Range{off, end})
		}
		if start >= end {
			break
		}
		stop, err := f.Seek(start, unix.SEEK_HOLE)
		if err != nil || stop > end {
			stop = end
		}
		out = append(out, Range{start, stop})
		off = stop
	}
	return out
}

// HashFile writes every byte of the file at path to w (a hash), holes as
// zeros, reading only its data ranges.
func HashFile(path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	at, buf := int64(0), make([]byte, bufSize)
	for _, r := range Ranges(f, 0, fi.Size()) {
		if _, err := WriteZeros(w, r.Start-at); err != nil {
			return err
		}
		if _, err := io.CopyBuffer(w, io.NewSectionReader(f, r.Start, r.End-r.Start), buf); err != nil {
			return err
		}
		at = r.End
	}
	_, err = WriteZeros(w, fi.Size()-at)
	return err
}
