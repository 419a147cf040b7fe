package mkfs

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"golang.org/x/sys/unix"
)

// xattrsInOrder reports whether every entry below root lists its
// extended attributes in sorted order. mksquashfs stores them in listing
// order, which on most file systems is the order they were set in, so
// only then is its output independent of the tree's history.
func xattrsInOrder(root string) (bool, error) {
	ordered := true
	err := archive.Visit(root, archive.KeepLinks, func(_, p string, _ fs.FileInfo) error {
		if !ordered {
			return nil
		}
		names, err := listXattrs(p)
		ordered = sort.StringsAreSorted(names)
		return err
	})
	return ordered, err
}

// listXattrs returns the attribute names of p in listing order.
func listXattrs(p string) ([]string, error) {
	size, err := unix.Llistxattr(p, nil)
	if err == unix.ENOTSUP || size == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, &fs.PathError{Op: "llistxattr", Path: p, Err: err}
	}
	buf := make([]byte, size)
	if size, err = unix.Llistxattr(p, buf); err != nil {
		return nil, &fs.PathError{Op: "llistxattr", Path: p, Err: err}
	}
	return splitNul(buf[:size]), nil
}

// stageTree copies the tree at src to dst (which must not exist) the way
// "cp -a" would, hard links, owners, modes, device nodes and all, but
// setting each entry's extended attributes in sorted order. It needs
// root, as mksquashfs's input in cairn's graph does anyway.
func stageTree(src, dst string) error {
	links := map[[2]uint64]string{}
	return archive.Visit(src, archive.KeepLinks, func(name, p string, fi fs.FileInfo) error {
		st, err := rawStat(p, fi)
		if err != nil {
			return err
		}
		return stageEntry(p, filepath.Join(dst, filepath.FromSlash(name)), st, links)
	})
}

// stageEntry copies one entry, the file at p whose lstat(2) data is st.
func stageEntry(p, to string, st *syscall.Stat_t, links map[[2]uint64]string) error {
	key := [2]uint64{uint64(st.Dev), st.Ino}
	if first, ok := links[key]; ok && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return os.Link(first, to)
	}
	if st.Nlink > 1 {
		links[key] = to
	}
	if err := stageCreate(p, to, st); err != nil {
		return err
	}
	if err := unix.Lchown(to, int(st.Uid), int(st.Gid)); err != nil {
		return &fs.PathError{Op: "lchown", Path: to, Err: err}
	}
	xs, err := readXattrs(p) // sorted
	if err != nil {
		return err
	}
	for _, x := range xs {
		if err := unix.Lsetxattr(to, x.name, x.value, 0); err != nil {
			return &fs.PathError{Op: "lsetxattr " + x.name, Path: to, Err: err}
		}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return nil
	}
	return os.Chmod(to, fs.FileMode(st.Mode&0o777)|modeBits(st.Mode)) // after chown and capabilities, which clear set-id bits
}

// modeBits converts set-id and sticky bits to fs.FileMode.
func modeBits(m uint32) fs.FileMode {
	var b fs.FileMode
	for _, f := range []struct {
		unix uint32
		mode fs.FileMode
	}{{unix.S_ISUID, fs.ModeSetuid}, {unix.S_ISGID, fs.ModeSetgid}, {unix.S_ISVTX, fs.ModeSticky}} {
		if m&f.unix != 0 {
			b |= f.mode
		}
	}
	return b
}

// stageCreate creates the entry itself: directory, file with its
// content, link or special file.
func stageCreate(p, to string, st *syscall.Stat_t) error {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return os.Mkdir(to, 0o700)
	case unix.S_IFREG:
		return copyContent(p, to)
	case unix.S_IFLNK:
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		return os.Symlink(target, to)
	}
	if err := unix.Mknod(to, st.Mode, int(st.Rdev)); err != nil {
		return &fs.PathError{Op: "mknod", Path: to, Err: err}
	}
	return nil
}

// copyContent copies a regular file's bytes.
func copyContent(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
