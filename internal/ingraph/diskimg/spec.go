package diskimg

import "github.com/cairn-build/cairn/internal/ingraph/request"

// Spec describes a disk image: the helper's disk request, declared once in
// the contract that cairn's compiler writes and the helper reads.
type Spec = request.Disk

// Partition is one partition of a [Spec].
type Partition = request.Partition

// RawWrite places a file's bytes at a fixed offset of the disk.
type RawWrite = request.RawWrite

// Table kinds.
const (
	GPT = request.GPT
	MBR = request.MBR
)

// Compression kinds.
const (
	None = request.None
	Zstd = request.Zstd
	Xz   = request.Xz
)

// defaultAlign is the alignment when the spec gives none: 1 MiB, what
// every current partitioning tool uses.
const defaultAlign = 1 << 20

// sector is the logical sector size.
const sector = request.SectorSize

// Run builds the disk req describes into req.Out; see [Build].
func Run(req request.Disk) (*Result, error) {
	return Build(&req, req.Out)
}

// alignOf returns the spec's effective alignment.
func alignOf(s *Spec) int64 {
	if s.Align == 0 {
		return defaultAlign
	}
	return s.Align
}

// compressionOf returns the spec's effective compression.
func compressionOf(s *Spec) string {
	if s.Compression == "" {
		return None
	}
	return s.Compression
}
