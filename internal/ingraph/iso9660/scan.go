package iso9660

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"syscall"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// kind is what a directory record describes.
type kind uint8

const (
	kindDir kind = iota
	kindFile
	kindSymlink
)

// symlinkMax is the longest symlink target libisofs reads.
const symlinkMax = 1024

// node is one entry of the source tree as found on disk.
type node struct {
	name     string // base name; "" for the root
	path     string // slash-separated path below the root; "" for the root
	host     string // path on the host, to read data from
	kind     kind
	mode     uint32 // POSIX st_mode, type bits included
	uid, gid uint32
	size     int64
	target   string // symlink target
	ino      uint32 // Rock Ridge file serial number (see doc.go)
	leader   *node  // first path of its hard-link group; itself if none
	parent   *node
	children []*node // sorted by name
	sum      []byte  // sha256 of the data as written, once known
}

// typeBits are the st_mode file type bits of each kind.
var typeBits = map[archive.Kind]struct {
	kind kind
	mode uint32
}{
	archive.KindDir:     {kindDir, syscall.S_IFDIR},
	archive.KindRegular: {kindFile, syscall.S_IFREG},
	archive.KindSymlink: {kindSymlink, syscall.S_IFLNK},
}

// scan reads the tree at root (which may be a symlink to a directory)
// with lstat below it, children sorted by name, with archive.Walk: its
// order (depth-first, names in byte order) is the order of serial
// numbers, its inode numbers (from 1 for the root, hard-linked files
// sharing their first name's) are the serial numbers, and owners and
// modes are kept as found.
func scan(root string) (*node, error) {
	if fi, err := os.Stat(root); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("source %s is a %s, want a directory", root, describe(fi.Mode()))
	}
	entries, err := archive.Walk(root, archive.Options{Root: true, Check: refuse})
	if err != nil {
		return nil, err
	}
	byPath := make(map[string]*node, len(entries))
	for _, e := range entries {
		n, err := newNode(e, byPath)
		if err != nil {
			return nil, err
		}
		byPath[e.Path] = n
	}
	return byPath[""], nil
}

// refuse fails on what an ISO 9660 image cannot hold.
func refuse(_, host string, fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsDir(), m.IsRegular(), m&fs.ModeSymlink != 0:
		return nil
	default:
		return fmt.Errorf("%s is a %s: an ISO 9660 image holds only regular files, directories and symlinks; remove it from the source tree", host, describe(m))
	}
}

// newNode makes the node of e and adds it to its parent, found in byPath.
func newNode(e archive.Entry, byPath map[string]*node) (*node, error) {
	t := typeBits[e.Kind]
	n := &node{name: path.Base(e.Path), path: e.Path, host: e.Source(), kind: t.kind, mode: t.mode | e.Perm,
		uid: uint32(e.UID), gid: uint32(e.GID), size: e.Size, target: e.Linkname, ino: e.Ino}
	if len(n.target) > symlinkMax {
		return nil, fmt.Errorf("%s is a symlink to a %d-byte target; xorriso (libisofs) refuses to load any image holding a Rock Ridge symlink longer than %d bytes; shorten it", n.host, len(n.target), symlinkMax)
	}
	n.leader = n
	if e.LinkTo != "" {
		n.leader = byPath[e.LinkTo]
	}
	if e.Path == "" {
		n.name = ""
		return n, nil
	}
	dir := path.Dir(e.Path)
	if dir == "." {
		dir = ""
	}
	n.parent = byPath[dir]
	n.parent.children = append(n.parent.children, n)
	return n, nil
}

// describe names a file type for error messages.
func describe(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "character device node"
	case m&fs.ModeDevice != 0:
		return "block device node"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m.IsRegular():
		return "regular file"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m.IsDir():
		return "directory"
	}
	return "special file"
}

// walkNodes calls f on n and every node below it, parents first.
func walkNodes(n *node, f func(*node)) {
	f(n)
	for _, c := range n.children {
		walkNodes(c, f)
	}
}

// find returns the node at slash path p, or nil.
func (n *node) find(p string) *node {
	if p == "" {
		return n
	}
	for _, c := range n.children {
		if c.name == p {
			return c
		}
		if len(p) > len(c.name) && p[len(c.name)] == '/' && p[:len(c.name)] == c.name {
			return c.find(p[len(c.name)+1:])
		}
	}
	return nil
}
