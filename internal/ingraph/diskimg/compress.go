package diskimg

import (
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// suffix returns the image file name suffix for a compression.
func suffix(compression string) string {
	switch compression {
	case Zstd:
		return ".img.zst"
	case Xz:
		return ".img.xz"
	}
	return ".img"
}

// newCompressor wraps w in a deterministic compressor: zstd with a
// single-goroutine encoder, or xz as fixed-size segments (see
// [segmentedXZ]).
func newCompressor(compression string, w io.Writer) (io.WriteCloser, error) {
	switch compression {
	case Zstd:
		return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	case Xz:
		return newSegmentedXZ(w), nil
	}
	return nil, fmt.Errorf("no compressor for %q", compression)
}
