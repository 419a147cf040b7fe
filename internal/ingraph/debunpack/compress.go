package debunpack

import (
	"compress/bzip2"
	"compress/gzip"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
)

// decompressor opens a decompressing reader on r.
type decompressor func(r io.Reader) (io.ReadCloser, error)

// tarMember recognises "base.tar" with one of the compressions dpkg
// supports for that member and returns the matching decompressor.
func tarMember(name, base string, allowBzip2 bool) (decompressor, bool) {
	ext, ok := strings.CutPrefix(name, base+".tar")
	if !ok {
		return nil, false
	}
	switch ext {
	case "":
		return plain, true
	case ".gz":
		return gunzip, true
	case ".xz":
		return unxz, true
	case ".zst":
		return unzstd, true
	case ".bz2":
		return bunzip2, allowBzip2
	}
	return nil, false
}

// plain reads an uncompressed member.
func plain(r io.Reader) (io.ReadCloser, error) { return io.NopCloser(r), nil }

// gunzip reads a gzip member.
func gunzip(r io.Reader) (io.ReadCloser, error) { return gzip.NewReader(r) }

// bunzip2 reads a bzip2 member.
func bunzip2(r io.Reader) (io.ReadCloser, error) { return io.NopCloser(bzip2.NewReader(r)), nil }

// unxz reads an xz member with a port of xz-embedded: about ten times
// faster than github.com/ulikunitz/xz on package data (0.2 s instead of
// 1.9 s for perl-modules), and unpacking is most of a cold rootfs build.
func unxz(r io.Reader) (io.ReadCloser, error) {
	xr, err := xz.NewReader(r, 0)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(xr), nil
}

// unzstd reads a zstd member with a single decoding goroutine.
func unzstd(r io.Reader) (io.ReadCloser, error) {
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	return d.IOReadCloser(), nil
}
