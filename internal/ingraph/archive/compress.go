package archive

import (
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Limits that keep a compressed initramfs acceptable to the kernel, whose
// unpacker (init/initramfs.c) streams it through lib/decompress_*.c:
//
//   - zstd: the window is written in the frame header and allocated by
//     the kernel; kernels still on zstd 1.3 (5.9 to 5.15) refuse windows
//     over 8 MiB (ZSTD_WINDOWSIZE_MAX), so 8 MiB is the most every kernel
//     accepts, and it is the window of zstd's own default levels. The
//     encoder runs on one goroutine, and writes the content checksum,
//     which the kernel's zstd verifies.
//   - xz: XZ Embedded checks only CRC32 (or nothing): CRC64, xz's default,
//     is an "unsupported options" error. Initramfs is decoded in
//     multi-call mode, which allocates the whole dictionary with vmalloc;
//     Documentation/staging/xz.rst calls 1 MiB the reasonable maximum for
//     in-kernel use, the kernel's own "xzmisc" and dracut use 1 MiB, so
//     this does too. Only the LZMA2 filter is written, no BCJ.
//   - gzip: no name and a zero modification time in the header, so the
//     output depends only on the archive.
const (
	zstdWindow = 8 << 20
	xzDict     = 1 << 20
)

// compressed runs write on w through the named compression, one of
// request.Compressions ("" is "none").
func compressed(w io.Writer, name string, write func(io.Writer) error) error {
	if name == "" || name == "none" {
		return write(w)
	}
	zw, err := NewCompressor(name, w)
	if err != nil {
		return err
	}
	if err := write(zw); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}

// NewCompressor returns a deterministic compressing writer on w.
func NewCompressor(name string, w io.Writer) (io.WriteCloser, error) {
	switch name {
	case "gzip":
		return gzip.NewWriterLevel(w, gzip.DefaultCompression)
	case "zstd":
		return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(zstdWindow),
			zstd.WithEncoderCRC(true), zstd.WithEncoderLevel(zstd.SpeedDefault))
	case "xz":
		return xz.WriterConfig{DictCap: xzDict, CheckSum: xz.CRC32}.NewWriter(w)
	}
	return nil, fmt.Errorf("unknown compression %q", name)
}
