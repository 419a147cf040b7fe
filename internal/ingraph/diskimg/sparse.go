package diskimg

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/cairn-build/cairn/internal/ingraph/sparse"
	"hash"
	"io"
	"os"
)

// Block and chunk sizes: output blocks that are all zeros are left as
// holes, at bmap's 4 KiB granularity; data moves in 1 MiB chunks.
const (
	blockSize = 4096
	chunkSize = 1 << 20
)

// zeros is a chunk of zero bytes, never written to.
var zeros = make([]byte, chunkSize)

// sparseWriter writes into a file that reads as zeros where unwritten,
// skipping every 4 KiB block of the file that would receive only zeros.
type sparseWriter struct{ f *os.File }

// WriteAt writes the non-zero blocks of p at off.
func (w sparseWriter) WriteAt(p []byte, off int64) error {
	for len(p) > 0 {
		n := nonZeroRun(p, off)
		if n > 0 {
			if _, err := w.f.WriteAt(p[:n], off); err != nil {
				return err
			}
		} else {
			n = zeroRun(p, off)
		}
		p, off = p[n:], off+int64(n)
	}
	return nil
}

// piece returns the length of p's first piece: up to the next block
// boundary of the file, p being at offset off.
func piece(p []byte, off int64) int {
	return min(len(p), int(blockSize-off%blockSize))
}

// nonZeroRun returns the length of p's leading pieces that hold a
// non-zero byte.
func nonZeroRun(p []byte, off int64) int {
	n := 0
	for n < len(p) {
		k := piece(p[n:], off+int64(n))
		if isZero(p[n : n+k]) {
			break
		}
		n += k
	}
	return n
}

// zeroRun returns the length of p's leading all-zero pieces.
func zeroRun(p []byte, off int64) int {
	n := 0
	for n < len(p) {
		k := piece(p[n:], off+int64(n))
		if !isZero(p[n : n+k]) {
			break
		}
		n += k
	}
	return n
}

// isZero reports whether p holds only zero bytes.
func isZero(p []byte) bool {
	for len(p) > 0 {
		n := min(len(p), len(zeros))
		if !bytes.Equal(p[:n], zeros[:n]) {
			return false
		}
		p = p[n:]
	}
	return true
}

// copySparse copies the size bytes of src into w at off, reading only its
// data ranges, and feeds every byte, holes included, to sum.
func copySparse(w sparseWriter, off int64, src *os.File, size int64, sum hash.Hash) error {
	ranges := sparse.Ranges(src, 0, size)
	buf := make([]byte, chunkSize)
	pos := int64(0)
	for _, r := range ranges {
		writeZeros(sum, r.Start-pos)
		if err := copyRange(w, off, src, r, buf, sum); err != nil {
			return err
		}
		pos = r.End
	}
	writeZeros(sum, size-pos)
	return nil
}

// copyRange copies src's bytes in r to w at off+r.Start.
func copyRange(w sparseWriter, off int64, src *os.File, r sparse.Range, buf []byte, sum hash.Hash) error {
	for pos := r.Start; pos < r.End; {
		b := buf[:min(int64(len(buf)), r.End-pos)]
		if _, err := src.ReadAt(b, pos); err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("%s shrank while being read", src.Name())
			}
			return err
		}
		sum.Write(b)
		if err := w.WriteAt(b, off+pos); err != nil {
			return err
		}
		pos += int64(len(b))
	}
	return nil
}

// writeZeros feeds n zero bytes to w, which never fails (a hash).
func writeZeros(w io.Writer, n int64) {
	for n > 0 {
		k := min(n, chunkSize)
		w.Write(zeros[:k])
		n -= k
	}
}
