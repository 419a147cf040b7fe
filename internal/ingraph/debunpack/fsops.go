package debunpack

import (
	"archive/tar"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// kind is the file type of a node being written.
type kind uint8

// The kinds setMeta distinguishes.
const (
	kindFile kind = iota
	kindDir
	kindSymlink
)

// xattrPrefix marks a PAX record holding an extended attribute.
const xattrPrefix = "SCHILY.xattr."

// meta is the metadata of one node: permission bits with setuid, setgid
// and sticky, numeric owner, mtime and extended attributes.
type meta struct {
	mode     uint32
	uid, gid int
	mtime    time.Time
	xattrs   map[string]string
}

// metaOf returns the metadata a tar header records.
func metaOf(hdr *tar.Header) meta {
	m := meta{mode: uint32(hdr.Mode) & 0o7777, uid: hdr.Uid, gid: hdr.Gid, mtime: hdr.ModTime}
	for k, v := range hdr.PAXRecords {
		if name, ok := strings.CutPrefix(k, xattrPrefix); ok {
			if m.xattrs == nil {
				m.xattrs = make(map[string]string)
			}
			m.xattrs[name] = v
		}
	}
	return m
}

// setMeta applies m to the node at h: owner first (chown clears setuid,
// setgid and file capabilities), then mode, extended attributes and, but
// for directories, whose mtime is set last, the mtime.
func setMeta(h string, m meta, k kind) error {
	if err := os.Lchown(h, m.uid, m.gid); err != nil {
		return err
	}
	if k != kindSymlink {
		if err := syscall.Chmod(h, m.mode); err != nil {
			return &os.PathError{Op: "chmod", Path: h, Err: err}
		}
	}
	if err := setXattrs(h, m.xattrs); err != nil {
		return err
	}
	if k == kindDir {
		return nil
	}
	return setTimes(h, m.mtime)
}

// setXattrs sets extended attributes in name order.
func setXattrs(h string, xattrs map[string]string) error {
	names := make([]string, 0, len(xattrs))
	for name := range xattrs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := unix.Lsetxattr(h, name, []byte(xattrs[name]), 0); err != nil {
			return &os.PathError{Op: "setxattr " + name, Path: h, Err: err}
		}
	}
	return nil
}

// setTimes sets the access and modification time of h, not following a
// symbolic link.
func setTimes(h string, mtime time.Time) error {
	ts := unix.NsecToTimespec(mtime.UnixNano())
	err := unix.UtimesNanoAt(unix.AT_FDCWD, h, []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW)
	if err != nil {
		return &os.PathError{Op: "utimensat", Path: h, Err: err}
	}
	return nil
}

// writeNew creates the regular file h, which must not exist, with the
// content of r.
func writeNew(h string, r io.Reader) error {
	f, err := os.OpenFile(h, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// mknod creates a device or FIFO for hdr at h.
func mknod(h string, hdr *tar.Header) error {
	var mode uint32
	switch hdr.Typeflag {
	case tar.TypeChar:
		mode = unix.S_IFCHR
	case tar.TypeBlock:
		mode = unix.S_IFBLK
	default:
		mode = unix.S_IFIFO
	}
	dev := unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))
	if err := unix.Mknod(h, mode|0o600, int(dev)); err != nil {
		return &os.PathError{Op: "mknod", Path: h, Err: err}
	}
	return nil
}
