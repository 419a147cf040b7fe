package diskimg

import (
	"bytes"
	"io"
	"runtime"
	"sync"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
	"github.com/ulikunitz/xz"
)

// xzSegment is the size of the slices of the raw image that are
// compressed as separate xz streams. It is fixed, so the output does not
// depend on how many goroutines compress.
const xzSegment = 16 << 20

// maxXZWorkers bounds the goroutines, each holding a segment, its
// compressed form and an encoder.
const maxXZWorkers = 4

// segmentedXZ compresses its input as concatenated xz streams, one per
// 16 MiB segment, several segments at a time. The pure-Go LZMA encoder
// manages a few MB/s on real data, so one stream for a whole disk would
// take minutes; concatenated streams are a valid .xz file that xz -d
// and bmaptool read whole. An all-zero segment, common in disk images,
// is compressed once and its stream reused.
type segmentedXZ struct {
	w        io.Writer
	workers  int
	batch    [][]byte // full segments waiting to be compressed
	fill     []byte   // the segment being filled
	free     [][]byte // segment buffers to reuse
	written  bool
	zeroOnce sync.Once
	zero     []byte // the stream of an all-zero segment
	zeroErr  error
}

// newSegmentedXZ returns a compressor writing to w.
func newSegmentedXZ(w io.Writer) *segmentedXZ {
	return &segmentedXZ{w: w, workers: min(runtime.GOMAXPROCS(0), maxXZWorkers)}
}

// Write buffers p, compressing each batch of full segments.
func (s *segmentedXZ) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if s.fill == nil {
			s.fill = s.buffer()
		}
		k := min(len(p), cap(s.fill)-len(s.fill))
		s.fill, p = append(s.fill, p[:k]...), p[k:]
		if len(s.fill) < cap(s.fill) {
			continue
		}
		s.batch, s.fill = append(s.batch, s.fill), nil
		if len(s.batch) == s.workers {
			if err := s.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// Close compresses what is left; an empty input still gives one stream.
func (s *segmentedXZ) Close() error {
	if len(s.fill) > 0 || !s.written && len(s.batch) == 0 {
		s.batch, s.fill = append(s.batch, s.fill), nil
	}
	return s.flush()
}

// buffer returns an empty segment buffer.
func (s *segmentedXZ) buffer() []byte {
	if n := len(s.free); n > 0 {
		b := s.free[n-1]
		s.free = s.free[:n-1]
		return b[:0]
	}
	return make([]byte, 0, xzSegment)
}

// flush compresses the batch in parallel and writes the streams in order.
func (s *segmentedXZ) flush() error {
	out := make([][]byte, len(s.batch))
	errs := make([]error, len(s.batch))
	var wg sync.WaitGroup
	for i, seg := range s.batch {
		wg.Go(func() { out[i], errs[i] = s.compress(seg) })
	}
	wg.Wait()
	s.free = append(s.free, s.batch...)
	s.batch = s.batch[:0]
	for i := range out {
		if errs[i] != nil {
			return errs[i]
		}
		if _, err := s.w.Write(out[i]); err != nil {
			return err
		}
		s.written = true
	}
	return nil
}

// compress returns seg as one xz stream.
func (s *segmentedXZ) compress(seg []byte) ([]byte, error) {
	if len(seg) == xzSegment && sparse.IsZero(seg) {
		s.zeroOnce.Do(func() { s.zero, s.zeroErr = xzStream(seg) })
		return s.zero, s.zeroErr
	}
	return xzStream(seg)
}

// xzStream compresses p as one xz stream with a CRC64 check, as xz(1)
// writes by default.
func xzStream(p []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := xz.WriterConfig{CheckSum: xz.CRC64}.NewWriter(&b)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(p); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
