package iso9660

import (
	"bytes"
	"fmt"
	"github.com/cairn-build/cairn/internal/ingraph/sparse"
	"hash"
	"io"
	"os"
)

// Output is written sparse: runs of zeros are skipped rather than written,
// so a mostly empty multi-gigabyte file costs little disk. Input files
// are read by their SEEK_DATA/SEEK_HOLE ranges, so a sparse input is
// never read as zeros.
const (
	bufSize   = 1 << 20
	zeroChunk = 64 << 10
)

// zeros is a read-only buffer of zeros.
var zeros = make([]byte, bufSize)

// sparseWriter writes sequentially at increasing offsets, turning zero
// chunks into holes.
type sparseWriter struct {
	f   *os.File
	buf []byte
	off int64 // file offset of buf[0]
}

func newSparseWriter(f *os.File) *sparseWriter {
	return &sparseWriter{f: f, buf: make([]byte, 0, bufSize)}
}

// pos is the offset the next byte goes to.
func (w *sparseWriter) pos() int64 { return w.off + int64(len(w.buf)) }

// Write buffers p.
func (w *sparseWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf, p = w.buf[:len(w.buf)+k], p[k:]
		if len(w.buf) == cap(w.buf) {
			if err := w.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

// skip leaves n zero bytes as a hole; short runs (sector padding) are
// buffered as zeros instead, sparing a flush.
func (w *sparseWriter) skip(n int64) error {
	if n < zeroChunk {
		_, err := w.Write(zeros[:n])
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	w.off += n
	return nil
}

// skipTo leaves a hole up to offset at.
func (w *sparseWriter) skipTo(at int64) error {
	if at < w.pos() {
		return fmt.Errorf("internal error: writing backwards from %d to %d", w.pos(), at)
	}
	return w.skip(at - w.pos())
}

// flush writes the buffer's non-zero chunks.
func (w *sparseWriter) flush() error {
	b, off := w.buf, w.off
	for len(b) > 0 {
		n := min(len(b), zeroChunk)
		if bytes.Equal(b[:n], zeros[:n]) {
			b, off = b[n:], off+int64(n)
			continue
		}
		for n < len(b) && !bytes.Equal(b[n:min(len(b), n+zeroChunk)], zeros[:min(len(b)-n, zeroChunk)]) {
			n = min(len(b), n+zeroChunk)
		}
		if _, err := w.f.WriteAt(b[:n], off); err != nil {
			return err
		}
		b, off = b[n:], off+int64(n)
	}
	w.off += int64(len(w.buf))
	w.buf = w.buf[:0]
	return nil
}

// copySparse copies size bytes of f from off to w, holes as holes, and
// feeds every byte (holes as zeros) to the hashes.
func copySparse(w *sparseWriter, f *os.File, off, size int64, h io.Writer, buf []byte) error {
	ranges := sparse.Ranges(f, off, off+size)
	at := off
	for _, r := range ranges {
		if err := hole(w, h, r.Start-at); err != nil {
			return err
		}
		if err := copyData(w, f, r, h, buf); err != nil {
			return err
		}
		at = r.End
	}
	return hole(w, h, off+size-at)
}

// hole skips n output bytes and hashes n zeros.
func hole(w *sparseWriter, h io.Writer, n int64) error {
	if err := hashZeros(h, n); err != nil {
		return err
	}
	return w.skip(n)
}

// hashZeros feeds n zero bytes to h.
func hashZeros(h io.Writer, n int64) error {
	for n > 0 {
		k := min(n, int64(len(zeros)))
		if _, err := h.Write(zeros[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// copyData copies one data range.
func copyData(w *sparseWriter, f *os.File, r sparse.Range, h io.Writer, buf []byte) error {
	for at := r.Start; at < r.End; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), r.End-at)], at)
		if n == 0 && err != nil {
			if err == io.EOF {
				return fmt.Errorf("%s shrank while being written to the image; do not change the source tree during the build", f.Name())
			}
			return err
		}
		h.Write(buf[:n])
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		at += int64(n)
	}
	return nil
}

// hashFile computes h over the whole of path, reading only its data
// ranges.
func hashFile(path string, h hash.Hash) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	ranges := sparse.Ranges(f, 0, fi.Size())
	at, buf := int64(0), make([]byte, bufSize)
	for _, r := range ranges {
		hashZeros(h, r.Start-at)
		if _, err := io.CopyBuffer(h, io.NewSectionReader(f, r.Start, r.End-r.Start), buf); err != nil {
			return err
		}
		at = r.End
	}
	return hashZeros(h, fi.Size()-at)
}
