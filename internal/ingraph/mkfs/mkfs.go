package mkfs

import (
	"errors"
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// Result describes the image written; the helper prints it as one line of
// JSON. Type is the file system written: fat12, fat16 or fat32 for the FAT
// types, else ext4 or squashfs. UUID is the FAT serial as "ABCD-1234", the
// ext4 UUID, or "" for squashfs, which has none.
type Result struct {
	Type  string `json:"type"`
	Size  int64  `json:"size"`
	UUID  string `json:"uuid"`
	Label string `json:"label"`
}

// writers maps each request.FilesystemTypes value to its writer.
var writers = map[string]func(request.Mkfs) (Result, error){
	"fat":      makeFAT,
	"fat32":    makeFAT,
	"ext4":     makeExt4,
	"squashfs": makeSquashfs,
}

// Run writes the file system image req asks for to req.Out (atomically,
// sparse where possible). See fat.go, ext4.go and squashfs.go for each
// type, including how the automatic size is chosen.
func Run(req request.Mkfs) (Result, error) {
	write, ok := writers[req.Type]
	if !ok {
		return Result{}, fmt.Errorf("unknown file system type %q", req.Type)
	}
	return write(req)
}

// tooSmallError reports a partition the contents do not fit; the lead
// prefixes it with the recipe position.
func tooSmallError(need int64, typ string, have int64) error {
	return fmt.Errorf("contents need at least %s as %s; the partition is %s: raise size=", sizeString(need), typ, shortSize(have))
}

// sizeString shows a size as "143 MiB (150994944 bytes)".
func sizeString(n int64) string {
	return fmt.Sprintf("%d MiB (%d bytes)", (n+mebibyte-1)/mebibyte, n)
}

// shortSize shows a size in MiB when it is whole MiB, else in bytes.
func shortSize(n int64) string {
	if n%mebibyte == 0 {
		return fmt.Sprintf("%d MiB", n/mebibyte)
	}
	return fmt.Sprintf("%d bytes", n)
}

// mebibyte is the unit of automatic sizes.
const mebibyte = 1 << 20

// roundMiB rounds n up to whole MiB.
func roundMiB(n int64) int64 { return (n + mebibyte - 1) / mebibyte * mebibyte }

// errSquashfsLabel rejects a label squashfs cannot store.
var errSquashfsLabel = errors.New("squashfs has no volume label: drop label=")

// errWrite adds the output path to a write failure.
func errWrite(path string, err error) error {
	return fmt.Errorf("write %s: %w", path, err)
}
