package mkfs

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"sort"
	"syscall"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"golang.org/x/sys/unix"
)

// treeInfo is what one walk of the source tree learns: the content
// digest the file system IDs derive from, the extended attributes to
// copy (ext4) and the figures the ext4 size estimate needs.
type treeInfo struct {
	digest [32]byte
	xattrs []pathXattrs // sorted by path; one entry per inode
	ext4   ext4Stats
}

// pathXattrs are the extended attributes of one inode, sorted by name.
type pathXattrs struct {
	path  string // slash path below the root, "." for the root
	attrs []xattr
}

// xattr is one extended attribute.
type xattr struct {
	name  string
	value []byte
}

// walkTree hashes the tree at root. Entries are visited in the order of
// archive.Visit (parents first, each directory's names in byte order),
// raw: the digest must see what mke2fs and mksquashfs copy, so nothing is
// normalised as archive.Walk would (every extended attribute, sockets,
// hard links of any type). Each entry contributes its path, type,
// permission bits, uid, gid, size (0 for directories), then the sha256
// of a file's content, a link's target or a device's number, then its
// extended attributes sorted by name; a second name of a hard-linked
// inode contributes the first name instead of content. Every field is
// length-prefixed, so the encoding is unambiguous.
func walkTree(root string) (*treeInfo, error) {
	w := &treeWalk{h: sha256.New(), links: map[[2]uint64]string{}, info: &treeInfo{}}
	w.info.ext4.dirBytes = map[string]int64{}
	if err := archive.Visit(root, archive.KeepLinks, w.visit); err != nil {
		return nil, err
	}
	copy(w.info.digest[:], w.h.Sum(nil))
	w.info.ext4.finish()
	return w.info, nil
}

// treeWalk is the state of one walkTree.
type treeWalk struct {
	h     hash.Hash
	links map[[2]uint64]string // (dev, ino) of multiply-linked files -> first path
	info  *treeInfo
}

// visit records one entry, named name below the root ("." in the
// digest for the root itself) and found at p.
func (w *treeWalk) visit(name, p string, fi fs.FileInfo) error {
	rel := cmp.Or(name, ".")
	st, err := rawStat(p, fi)
	if err != nil {
		return err
	}
	size := st.Size
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		size = 0 // a directory's size depends on the file system it is on
	}
	w.field(rel)
	w.field(fmt.Sprintf("%o %d %d %d", st.Mode, st.Uid, st.Gid, size))
	if first, ok := w.hardLink(rel, st); ok {
		w.field("link " + first)
		w.info.ext4.addName(rel)
		return nil
	}
	if err := w.body(p, st); err != nil {
		return err
	}
	return w.attrs(p, rel, st)
}

// rawStat is the lstat(2) data of fi, the file at p: mke2fs and
// mksquashfs copy owners, device numbers and hard links as they are.
func rawStat(p string, fi fs.FileInfo) (*syscall.Stat_t, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, &fs.PathError{Op: "lstat", Path: p, Err: errors.ErrUnsupported}
	}
	return st, nil
}

// hardLink reports the first path of a file seen before under another
// name.
func (w *treeWalk) hardLink(rel string, st *syscall.Stat_t) (string, bool) {
	if st.Mode&unix.S_IFMT == unix.S_IFDIR || st.Nlink < 2 {
		return "", false
	}
	key := [2]uint64{uint64(st.Dev), st.Ino}
	if first, ok := w.links[key]; ok {
		return first, true
	}
	w.links[key] = rel
	return "", false
}

// body hashes what the entry holds: content, target or device number.
func (w *treeWalk) body(p string, st *syscall.Stat_t) error {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		sum, err := fileSHA256(p)
		if err != nil {
			return err
		}
		w.field(string(sum[:]))
	case unix.S_IFLNK:
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		w.field(target)
	case unix.S_IFCHR, unix.S_IFBLK:
		w.field(fmt.Sprintf("%d:%d", unix.Major(uint64(st.Rdev)), unix.Minor(uint64(st.Rdev))))
	}
	return nil
}

// attrs hashes and keeps the extended attributes of the entry.
func (w *treeWalk) attrs(p, rel string, st *syscall.Stat_t) error {
	xs, err := readXattrs(p)
	if err != nil {
		return err
	}
	for _, x := range xs {
		w.field(x.name)
		w.field(string(x.value))
	}
	w.field("") // end of attributes
	if len(xs) > 0 {
		w.info.xattrs = append(w.info.xattrs, pathXattrs{rel, xs})
	}
	w.info.ext4.add(rel, st, xs)
	return nil
}

// field adds one length-prefixed field to the digest.
func (w *treeWalk) field(s string) {
	var n [binary.MaxVarintLen64]byte
	w.h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
	io.WriteString(w.h, s)
}

// fileSHA256 hashes a file's content.
func fileSHA256(p string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Open(p)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// readXattrs returns the extended attributes of p (not following a
// link), sorted by name; a file system without them has none.
func readXattrs(p string) ([]xattr, error) {
	names, err := listXattrs(p)
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	xs := make([]xattr, 0, len(names))
	for _, name := range names {
		v, err := getXattr(p, name)
		if err != nil {
			return nil, err
		}
		xs = append(xs, xattr{name, v})
	}
	return xs, nil
}

// getXattr reads one attribute value.
func getXattr(p, name string) ([]byte, error) {
	size, err := unix.Lgetxattr(p, name, nil)
	if err != nil {
		return nil, &fs.PathError{Op: "lgetxattr " + name, Path: p, Err: err}
	}
	v := make([]byte, size)
	if size, err = unix.Lgetxattr(p, name, v); err != nil {
		return nil, &fs.PathError{Op: "lgetxattr " + name, Path: p, Err: err}
	}
	return v[:size], nil
}

// splitNul splits a NUL-terminated name list.
func splitNul(b []byte) []string {
	var out []string
	for start := 0; start < len(b); {
		end := start
		for end < len(b) && b[end] != 0 {
			end++
		}
		if end > start {
			out = append(out, string(b[start:end]))
		}
		start = end + 1
	}
	return out
}
