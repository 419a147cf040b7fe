package archive

import (
	"io"
	"math"
)

// The newc format, as read by the Linux initramfs unpacker
// (Documentation/driver-api/early-userspace/buffer-format.rst): a 6-byte
// magic, thirteen 8-digit hexadecimal fields, the NUL-terminated name
// padded to a multiple of 4 bytes, then the data padded likewise.
const (
	cpioMagic   = "070701"
	cpioHdrLen  = 110
	cpioTrailer = "TRAILER!!!"
)

// File type bits of the cpio mode field (from <sys/stat.h>).
const (
	modeFifo    = 0o010000
	modeChar    = 0o020000
	modeDir     = 0o040000
	modeBlock   = 0o060000
	modeRegular = 0o100000
	modeSymlink = 0o120000
)

// WriteCpio writes the tree below root to w as a deterministic cpio
// archive in the "newc" format used for Linux initramfs images, ending
// with the TRAILER!!! record and following the rules in the package
// documentation.
func WriteCpio(w io.Writer, root string, opts Options) error {
	entries, err := Walk(root, opts)
	if err != nil {
		return err
	}
	return encodeCpio(w, entries)
}

// encodeCpio writes entries, the data of each hard-link group on its last
// member, then the trailer.
func encodeCpio(w io.Writer, entries []Entry) error {
	last := lastOfGroup(entries)
	for i, e := range entries {
		if err := writeCpioEntry(w, e, last[e.Ino] == i); err != nil {
			return err
		}
	}
	return writeCpioHeader(w, cpioHeader{nlink: 1}, cpioTrailer)
}

// lastOfGroup maps the inode number of each regular file to the index of
// the last entry with that number.
func lastOfGroup(entries []Entry) map[uint32]int {
	last := make(map[uint32]int)
	for i, e := range entries {
		if e.Kind == KindRegular {
			last[e.Ino] = i
		}
	}
	return last
}

// cpioHeader holds the header fields that are not always zero.
type cpioHeader struct {
	ino, mode, uid, gid, nlink, mtime, size uint32
	rdevMajor, rdevMinor                    uint32
}

// writeCpioEntry writes one entry; carrier says whether a regular file
// carries its group's data.
func writeCpioEntry(w io.Writer, e Entry, carrier bool) error {
	hdr, err := newCpioHeader(e)
	if err != nil {
		return err
	}
	if e.Kind == KindRegular && !carrier {
		hdr.size = 0
	}
	if err := writeCpioHeader(w, hdr, e.Path); err != nil {
		return err
	}
	return writeCpioData(w, e, hdr.size)
}

// newCpioHeader translates an entry into header fields, checking that
// every value fits in 32 bits.
func newCpioHeader(e Entry) (cpioHeader, error) {
	size := uint64(e.Size)
	if e.Kind == KindSymlink {
		size = uint64(len(e.Linkname))
	}
	for _, f := range []struct {
		name string
		v    uint64
	}{{"mtime", uint64(e.ModTime)}, {"size", size}, {"uid", uint64(e.UID)}, {"gid", uint64(e.GID)}} {
		if f.v > math.MaxUint32 {
			return cpioHeader{}, errTooLarge(e.Path, f.name, f.v)
		}
	}
	return cpioHeader{
		ino: e.Ino, mode: cpioType(e.Kind) | e.Perm, uid: uint32(e.UID), gid: uint32(e.GID),
		nlink: e.Nlink, mtime: uint32(e.ModTime), size: uint32(size),
		rdevMajor: e.Major, rdevMinor: e.Minor,
	}, nil
}

// cpioType returns the file type bits for a kind.
func cpioType(k Kind) uint32 {
	switch k {
	case KindDir:
		return modeDir
	case KindSymlink:
		return modeSymlink
	case KindChar:
		return modeChar
	case KindBlock:
		return modeBlock
	case KindFifo:
		return modeFifo
	}
	return modeRegular
}

// writeCpioHeader writes the fixed header, the name and its padding. The
// file's own device numbers and the checksum are always zero.
func writeCpioHeader(w io.Writer, h cpioHeader, name string) error {
	buf := make([]byte, 0, cpioHdrLen+len(name)+4)
	buf = append(buf, cpioMagic...)
	for _, v := range []uint32{
		h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime, h.size,
		0, 0, h.rdevMajor, h.rdevMinor, uint32(len(name) + 1), 0,
	} {
		buf = appendHex8(buf, v)
	}
	buf = append(buf, name...)
	buf = append(buf, 0)
	buf = append(buf, make([]byte, pad4(len(buf)))...)
	if _, err := w.Write(buf); err != nil {
		return errWrap("write cpio header for", name, err)
	}
	return nil
}

// writeCpioData writes size bytes of e's data (a symlink's target or a
// file's content) and the padding after it.
func writeCpioData(w io.Writer, e Entry, size uint32) error {
	if size == 0 {
		return nil
	}
	if err := writeCpioBody(w, e); err != nil {
		return err
	}
	if _, err := w.Write(make([]byte, pad4(int(size)))); err != nil {
		return errWrap("write cpio padding for", e.Path, err)
	}
	return nil
}

// writeCpioBody writes a symlink's target or a regular file's content.
func writeCpioBody(w io.Writer, e Entry) error {
	if e.Kind != KindSymlink {
		return copyContent(w, e)
	}
	if _, err := io.WriteString(w, e.Linkname); err != nil {
		return errWrap("write cpio data for", e.Path, err)
	}
	return nil
}

// appendHex8 appends v as exactly 8 upper-case hexadecimal digits.
func appendHex8(buf []byte, v uint32) []byte {
	const digits = "0123456789ABCDEF"
	for shift := 28; shift >= 0; shift -= 4 {
		buf = append(buf, digits[(v>>shift)&0xf])
	}
	return buf
}

// pad4 returns how many zero bytes bring n to a multiple of 4.
func pad4(n int) int {
	return (4 - n%4) % 4
}
