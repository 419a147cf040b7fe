package diskimg

import (
	"crypto/sha256"
	"hash"
	"io"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
)

// Block and chunk sizes: the bmap maps 4 KiB blocks, the blocks
// internal/ingraph/sparse leaves as holes when they hold only zeros; data
// moves in 1 MiB chunks.
const (
	blockSize = sparse.BlockSize
	chunkSize = 1 << 20
)

// zeros is a chunk of zero bytes, never written to.
var zeros = make([]byte, chunkSize)

// scanResult is what one pass over the raw image learns.
type scanResult struct {
	sum    [32]byte    // sha256 of the whole image
	ranges []bmapRange // mapped block ranges; nil without a bmap
	mapped int64       // mapped block count
}

// scanImage reads the raw image once, in 1 MiB chunks, feeding every byte
// to its sha256 and to out (a compressor; may be nil) and, with withBmap,
// collecting the ranges of 4 KiB blocks that hold a non-zero byte. Chunks
// that lie in holes are not read.
func scanImage(f *os.File, size int64, out io.Writer, withBmap bool) (*scanResult, error) {
	sc := &scanner{sum: sha256.New(), out: out}
	if withBmap {
		sc.bmap = &bmapBuilder{}
	}
	data := sparse.Ranges(f, 0, size)
	buf := make([]byte, chunkSize)
	for pos := int64(0); pos < size; pos += chunkSize {
		n := min(chunkSize, size-pos)
		for len(data) > 0 && data[0].End <= pos {
			data = data[1:]
		}
		chunk := zeros[:n]
		if len(data) > 0 && data[0].Start < pos+n {
			chunk = buf[:n]
			if _, err := f.ReadAt(chunk, pos); err != nil {
				return nil, err
			}
		}
		if err := sc.chunk(chunk, pos); err != nil {
			return nil, err
		}
	}
	return sc.result(), nil
}

// scanner accumulates a scan.
type scanner struct {
	sum  hash.Hash
	out  io.Writer
	bmap *bmapBuilder
}

// chunk consumes the image's bytes at pos.
func (sc *scanner) chunk(p []byte, pos int64) error {
	sc.sum.Write(p)
	if sc.out != nil {
		if _, err := sc.out.Write(p); err != nil {
			return err
		}
	}
	if sc.bmap == nil {
		return nil
	}
	for i := 0; i < len(p); i += blockSize {
		b := p[i:min(len(p), i+blockSize)]
		sc.bmap.block((pos+int64(i))/blockSize, b, !sparse.IsZero(b))
	}
	return nil
}

// result finishes the scan.
func (sc *scanner) result() *scanResult {
	r := &scanResult{}
	copy(r.sum[:], sc.sum.Sum(nil))
	if sc.bmap != nil {
		r.ranges, r.mapped = sc.bmap.finish()
	}
	return r
}

// bmapRange is a run of mapped blocks, first and last inclusive, with the
// sha256 of their bytes.
type bmapRange struct {
	first, last int64
	sum         [32]byte
}

// bmapBuilder groups mapped blocks into ranges.
type bmapBuilder struct {
	ranges []bmapRange
	cur    *bmapRange
	h      hash.Hash
	mapped int64
}

// block records block idx, holding data, as mapped or not.
func (b *bmapBuilder) block(idx int64, data []byte, mapped bool) {
	if !mapped {
		b.close()
		return
	}
	if b.cur == nil {
		b.cur, b.h = &bmapRange{first: idx}, sha256.New()
	}
	b.cur.last = idx
	b.h.Write(data)
	b.mapped++
}

// close ends the open range, if any.
func (b *bmapBuilder) close() {
	if b.cur == nil {
		return
	}
	copy(b.cur.sum[:], b.h.Sum(nil))
	b.ranges = append(b.ranges, *b.cur)
	b.cur = nil
}

// finish closes the last range and returns the ranges and mapped count.
func (b *bmapBuilder) finish() ([]bmapRange, int64) {
	b.close()
	return b.ranges, b.mapped
}
