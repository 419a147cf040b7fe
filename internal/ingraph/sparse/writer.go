package sparse

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// BlockSize is the unit of sparseness: a block of the output, counted
// from the start of the file, that would receive only zeros is left out.
// It is the block size of the file systems images are built on and of
// bmap files.
const BlockSize = 4096

// bufSize is the size of a Stream's write buffer and of its reads.
const bufSize = 1 << 20

// zeros is a buffer of zeros, never written to.
var zeros = make([]byte, bufSize)

// IsZero reports whether p holds only zero bytes.
func IsZero(p []byte) bool {
	for len(p) > 0 {
		n := min(len(p), len(zeros))
		if !bytes.Equal(p[:n], zeros[:n]) {
			return false
		}
		p = p[n:]
	}
	return true
}

// WriteZeros writes n zero bytes to w (a hole's share of a hash) and
// returns how many it wrote.
func WriteZeros(w io.Writer, n int64) (int64, error) {
	var done int64
	for done < n {
		k, err := w.Write(zeros[:min(n-done, int64(len(zeros)))])
		done += int64(k)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// Writer is an io.WriterAt onto a file that reads as zeros wherever
// nothing has been written (a new file, or one extended with Truncate).
// It writes only the BlockSize blocks that hold a non-zero byte, merging
// neighbours into one write, and leaves the others as holes. A skipped
// block does not clear what is already there: never write zeros over
// data.
type Writer struct{ w io.WriterAt }

// NewWriter returns a Writer onto w.
func NewWriter(w io.WriterAt) *Writer { return &Writer{w} }

// WriteAt writes the non-zero blocks of p at off.
func (w *Writer) WriteAt(p []byte, off int64) (int, error) {
	start := -1 // start of the pending run of non-zero pieces
	for i := 0; i < len(p); {
		k := min(len(p)-i, int(BlockSize-(off+int64(i))%BlockSize))
		zero := IsZero(p[i : i+k])
		switch {
		case !zero && start < 0:
			start = i
		case zero && start >= 0:
			if _, err := w.w.WriteAt(p[start:i], off+int64(start)); err != nil {
				return start, err
			}
			start = -1
		}
		i += k
	}
	if start >= 0 {
		if _, err := w.w.WriteAt(p[start:], off+int64(start)); err != nil {
			return start, err
		}
	}
	return len(p), nil
}

// Stream writes front to back through a Writer from a starting offset,
// buffering, so that many small writes (directory records, small files)
// cost few system calls.
type Stream struct {
	w    *Writer
	buf  []byte
	off  int64  // file offset of buf[0]
	read []byte // Copy's buffer, allocated on first use
}

// skipBuffered is the longest run Skip buffers as zeros instead of
// flushing: sector padding, not worth a system call.
const skipBuffered = 64 << 10

// NewStream returns a Stream writing into w, through a Writer unless w is
// one, from offset off.
func NewStream(w io.WriterAt, off int64) *Stream {
	sw, ok := w.(*Writer)
	if !ok {
		sw = NewWriter(w)
	}
	return &Stream{w: sw, buf: make([]byte, 0, bufSize), off: off}
}

// Reset points s at a new destination w from offset off, keeping its
// buffers: writing many files through one Stream allocates once.
func (s *Stream) Reset(w io.WriterAt, off int64) {
	if sw, ok := w.(*Writer); ok {
		s.w = sw
	} else {
		s.w = NewWriter(w)
	}
	s.buf, s.off = s.buf[:0], off
}

// Pos is the offset the next byte goes to.
func (s *Stream) Pos() int64 { return s.off + int64(len(s.buf)) }

// Write appends p.
func (s *Stream) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(s.buf[len(s.buf):cap(s.buf)], p)
		s.buf, p = s.buf[:len(s.buf)+k], p[k:]
		if len(s.buf) == cap(s.buf) {
			if err := s.Flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

// Skip leaves n zero bytes.
func (s *Stream) Skip(n int64) error {
	if n < skipBuffered {
		_, err := s.Write(zeros[:n])
		return err
	}
	if err := s.Flush(); err != nil {
		return err
	}
	s.off += n
	return nil
}

// SkipTo leaves zeros up to offset at.
func (s *Stream) SkipTo(at int64) error {
	if at < s.Pos() {
		return fmt.Errorf("internal error: writing backwards from %d to %d", s.Pos(), at)
	}
	return s.Skip(at - s.Pos())
}

// Flush writes out the buffer.
func (s *Stream) Flush() error {
	if _, err := s.w.WriteAt(s.buf, s.off); err != nil {
		return err
	}
	s.off += int64(len(s.buf))
	s.buf = s.buf[:0]
	return nil
}

// Copy appends the size bytes of f from offset off, reading only f's data
// ranges and skipping its holes, and writes every byte, holes as zeros, to
// sum.
func (s *Stream) Copy(f *os.File, off, size int64, sum io.Writer) error {
	at := off
	for _, r := range Ranges(f, off, off+size) {
		if err := s.hole(r.Start-at, sum); err != nil {
			return err
		}
		if err := s.copyData(f, r, sum); err != nil {
			return err
		}
		at = r.End
	}
	return s.hole(off+size-at, sum)
}

// hole skips n bytes and hashes n zeros.
func (s *Stream) hole(n int64, sum io.Writer) error {
	if _, err := WriteZeros(sum, n); err != nil {
		return err
	}
	return s.Skip(n)
}

// copyData copies one data range of f.
func (s *Stream) copyData(f *os.File, r Range, sum io.Writer) error {
	if s.read == nil {
		s.read = make([]byte, bufSize)
	}
	for at := r.Start; at < r.End; {
		n, err := f.ReadAt(s.read[:min(int64(len(s.read)), r.End-at)], at)
		if n == 0 && err != nil {
			if err == io.EOF {
				return fmt.Errorf("%s shrank while it was copied; do not change the inputs during the build", f.Name())
			}
			return err
		}
		if _, err := sum.Write(s.read[:n]); err != nil {
			return err
		}
		if _, err := s.Write(s.read[:n]); err != nil {
			return err
		}
		at += int64(n)
	}
	return nil
}
