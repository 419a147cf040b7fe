package rpm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/cairn-build/cairn/internal/decompress"
)

// PayloadEntry is one entry of a package's payload, a cpio archive in
// the "newc" format rpm writes. Names start with "./"; the owners that
// count are the header's user and group names, not the archive's ids.
type PayloadEntry struct {
	Name  string
	Mode  uint32 // type and permission bits, as st_mode
	Ino   uint32
	Nlink uint32
	Mtime int64
	Size  int64
	// RdevMajor and RdevMinor are a device node's numbers.
	RdevMajor, RdevMinor uint32
}

// ReadPayload decompresses the payload of an .rpm file (gzip, xz, zstd
// or bzip2) and calls fn with each entry and a reader of its content (a
// symbolic link's content is its target). It does not verify the
// package: Verify does.
func ReadPayload(data []byte, fn func(PayloadEntry, io.Reader) error) error {
	_, _, payload, err := split(data)
	if err != nil {
		return err
	}
	r, err := decompress.Reader(payload)
	if err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	br := bufio.NewReader(r)
	var off int64
	for {
		e, n, err := readCpioHeader(br)
		if err != nil {
			return fmt.Errorf("payload at byte %d: %w", off, err)
		}
		off += n
		if e.Name == "TRAILER!!!" {
			return nil
		}
		body := io.LimitReader(br, e.Size)
		if err := fn(e, body); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, body); err != nil {
			return fmt.Errorf("payload: %s: %w", e.Name, err)
		}
		pad := (4 - e.Size%4) % 4
		if _, err := br.Discard(int(pad)); err != nil {
			return fmt.Errorf("payload: %s: %w", e.Name, err)
		}
		off += e.Size + pad
	}
}

// readCpioHeader reads one newc header and its name, with their padding.
func readCpioHeader(r *bufio.Reader) (PayloadEntry, int64, error) {
	var hdr [110]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return PayloadEntry{}, 0, fmt.Errorf("truncated archive: %w", err)
	}
	if string(hdr[:6]) != "070701" {
		return PayloadEntry{}, 0, fmt.Errorf("cpio magic %q: rpm's payloads are newc (070701)", hdr[:6])
	}
	var f [13]uint64
	for i := range f {
		v, err := strconv.ParseUint(string(hdr[6+8*i:14+8*i]), 16, 32)
		if err != nil {
			return PayloadEntry{}, 0, errors.New("a cpio header field is not hex")
		}
		f[i] = v
	}
	nameSize := int(f[11])
	if nameSize < 1 || nameSize > 4096 {
		return PayloadEntry{}, 0, fmt.Errorf("a cpio name of %d bytes", nameSize)
	}
	padded := (110+nameSize+3)/4*4 - 110
	name := make([]byte, padded)
	if _, err := io.ReadFull(r, name); err != nil {
		return PayloadEntry{}, 0, fmt.Errorf("truncated archive: %w", err)
	}
	e := PayloadEntry{
		Ino: uint32(f[0]), Mode: uint32(f[1]), Nlink: uint32(f[4]), Mtime: int64(f[5]), Size: int64(f[6]),
		RdevMajor: uint32(f[9]), RdevMinor: uint32(f[10]), Name: string(name[:nameSize-1]),
	}
	return e, int64(110 + padded), nil
}
