package iso9660

import (
	"hash"
	"io"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
)

// Output is written through a sparse.Stream: blocks of zeros are left as
// holes rather than written, so a mostly empty multi-gigabyte file costs
// little disk. Input files are read by their SEEK_DATA/SEEK_HOLE ranges, so
// a sparse input is never read as zeros.

// bufSize is the read buffer of hashFile.
const bufSize = 1 << 20

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
		sparse.WriteZeros(h, r.Start-at)
		if _, err := io.CopyBuffer(h, io.NewSectionReader(f, r.Start, r.End-r.Start), buf); err != nil {
			return err
		}
		at = r.End
	}
	_, err = sparse.WriteZeros(h, fi.Size()-at)
	return err
}
