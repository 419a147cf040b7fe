// Package decompress opens data compressed the ways package repositories
// and archives are (gzip, xz, zstd, bzip2), recognised by magic bytes
// rather than by name: a mirror may serve a file under any suffix, and
// what matters is what the bytes are.
package decompress

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Reader returns a reader of data's uncompressed bytes; data in none of
// the formats is read as it is.
func Reader(data []byte) (io.Reader, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		return gzip.NewReader(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return xz.NewReader(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		d, err := zstd.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	case bytes.HasPrefix(data, []byte("BZh")):
		return bzip2.NewReader(bytes.NewReader(data)), nil
	}
	return bytes.NewReader(data), nil
}

// All returns data uncompressed, refusing more than max bytes (a
// decompression bomb is an error, not an out-of-memory).
func All(data []byte, max int64) ([]byte, error) {
	r, err := Reader(data)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(out)) > max {
		return nil, errTooLarge(max)
	}
	return out, nil
}

type errTooLarge int64

func (e errTooLarge) Error() string {
	return fmt.Sprintf("larger than %d bytes uncompressed", int64(e))
}
