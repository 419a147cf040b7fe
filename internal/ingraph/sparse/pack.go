package sparse

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// A packed file is a sparse file flattened for a trip through a stream
// that knows nothing of holes (BuildKit's tar export reads every zero of a
// 1.3 GB disk image with 250 MB in it and sends them all). It holds a
// header, the file's data ranges and their bytes, nothing else:
//
//	magic   8 bytes  "CAIRNSPK"
//	version u32      1
//	size    i64      the file's size
//	count   u32      the number of data ranges
//	ranges  count × (start i64, end i64), ascending, not overlapping
//	data    the bytes of each range in turn
//
// All integers are big-endian. Pack writes it; Unpack turns it back into
// the sparse file, byte for byte.

const packMagic = "CAIRNSPK"

// packVersion is the format version Pack writes and Unpack reads.
const packVersion = 1

// maxRanges bounds the header Unpack accepts, so a damaged file cannot
// make it allocate without bound: a 16 TiB file in 4 KiB pieces.
const maxRanges = 1 << 32 / 16

// Pack writes the packed form of the size bytes of f to w, reading only
// f's data ranges, which are ranges (Ranges(f, 0, size)).
func Pack(w io.Writer, f *os.File, size int64, ranges []Range) error {
	bw := bufio.NewWriterSize(w, bufSize)
	hdr := make([]byte, 0, len(packMagic)+16+16*len(ranges))
	hdr = append(hdr, packMagic...)
	hdr = binary.BigEndian.AppendUint32(hdr, packVersion)
	hdr = binary.BigEndian.AppendUint64(hdr, uint64(size))
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(len(ranges)))
	for _, r := range ranges {
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(r.Start))
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(r.End))
	}
	if _, err := bw.Write(hdr); err != nil {
		return err
	}
	for _, r := range ranges {
		n, err := io.Copy(bw, io.NewSectionReader(f, r.Start, r.End-r.Start))
		if err != nil {
			return err
		}
		if n != r.End-r.Start {
			return fmt.Errorf("%s shrank while it was packed; do not change the inputs during the build", f.Name())
		}
	}
	return bw.Flush()
}

// ErrNotPacked is Unpack's error for a stream that does not start as a
// packed file does.
var ErrNotPacked = errors.New("not a packed sparse file")

// Unpack reads a packed file from r and writes it to the new, empty file
// f, leaving holes where it has none of its data and within its data
// where a block is all zeros, as Stream does. Every byte of the file,
// holes as zeros, also goes to sum. It returns the file's size.
func Unpack(r io.Reader, f *os.File, s *Stream, sum io.Writer) (int64, error) {
	var fixed [len(packMagic) + 16]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNotPacked, err)
	}
	if string(fixed[:len(packMagic)]) != packMagic {
		return 0, ErrNotPacked
	}
	b := fixed[len(packMagic):]
	if v := binary.BigEndian.Uint32(b); v != packVersion {
		return 0, fmt.Errorf("packed sparse file of version %d; this cairn reads version %d", v, packVersion)
	}
	size := int64(binary.BigEndian.Uint64(b[4:]))
	count := binary.BigEndian.Uint32(b[12:])
	if size < 0 || count > maxRanges {
		return 0, fmt.Errorf("%w: damaged header (size %d, %d ranges)", ErrNotPacked, size, count)
	}
	table := make([]byte, 16*int(count))
	if _, err := io.ReadFull(r, table); err != nil {
		return 0, fmt.Errorf("packed sparse file: reading its ranges: %w", err)
	}
	s.Reset(f, 0)
	for i := range int(count) {
		start := int64(binary.BigEndian.Uint64(table[16*i:]))
		end := int64(binary.BigEndian.Uint64(table[16*i+8:]))
		if start < s.Pos() || end < start || end > size {
			return 0, fmt.Errorf("packed sparse file: range %d [%d, %d) is out of order or past its size %d", i, start, end, size)
		}
		if err := s.hole(start-s.Pos(), sum); err != nil {
			return 0, err
		}
		n, err := io.Copy(s, io.TeeReader(io.LimitReader(r, end-start), sum))
		if err != nil {
			return 0, err
		}
		if n != end-start {
			return 0, fmt.Errorf("packed sparse file: range %d ends early (%d of %d bytes)", i, n, end-start)
		}
	}
	if err := s.hole(size-s.Pos(), sum); err != nil {
		return 0, err
	}
	if err := s.Flush(); err != nil {
		return 0, err
	}
	if n, _ := io.Copy(io.Discard, io.LimitReader(r, 1)); n != 0 {
		return 0, errors.New("packed sparse file: data after its last range")
	}
	return size, f.Truncate(size)
}
