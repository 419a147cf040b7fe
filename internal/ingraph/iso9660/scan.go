package iso9660

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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
	dev, hi  uint64  // host device and inode, to find hard links
	sum      []byte  // sha256 of the data as written, once known
}

// devIno identifies a host inode.
type devIno struct{ dev, ino uint64 }

// scanner walks a source tree, numbering inodes in walk order.
type scanner struct {
	next  uint32
	links map[devIno]*node
}

// scan reads the tree at root (which may be a symlink to a directory)
// with lstat below it, children sorted by name.
func scan(root string) (*node, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("read source tree: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("source %s is a %s, want a directory", root, describe(fi.Mode()))
	}
	s := &scanner{links: map[devIno]*node{}}
	n, err := s.node(nil, "", root, fi)
	if err != nil {
		return nil, err
	}
	return n, s.walk(n)
}

// walk adds dir's children, recursively, in name order.
func (s *scanner) walk(dir *node) error {
	ents, err := os.ReadDir(dir.host)
	if err != nil {
		return fmt.Errorf("read source tree: %w", err)
	}
	for _, de := range ents {
		host := filepath.Join(dir.host, de.Name())
		fi, err := os.Lstat(host)
		if err != nil {
			return fmt.Errorf("read source tree: %w", err)
		}
		n, err := s.node(dir, de.Name(), host, fi)
		if err != nil {
			return err
		}
		dir.children = append(dir.children, n)
		if n.kind == kindDir {
			if err := s.walk(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// node describes the file at host.
func (s *scanner) node(parent *node, name, host string, fi fs.FileInfo) (*node, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, fmt.Errorf("%s: no POSIX stat data; build ISO images on Linux", host)
	}
	n := &node{name: name, host: host, parent: parent, mode: st.Mode, uid: st.Uid, gid: st.Gid,
		dev: uint64(st.Dev), hi: uint64(st.Ino)}
	if parent != nil && parent.path != "" {
		n.path = parent.path + "/" + name
	} else {
		n.path = name
	}
	if err := s.classify(n, fi); err != nil {
		return nil, err
	}
	s.number(n, uint64(st.Nlink))
	return n, nil
}

// classify sets the kind, size and symlink target of n.
func (s *scanner) classify(n *node, fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		n.kind = kindDir
	case m.IsRegular():
		n.kind, n.size = kindFile, fi.Size()
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(n.host)
		if err != nil {
			return fmt.Errorf("read source tree: %w", err)
		}
		if len(target) > symlinkMax {
			return fmt.Errorf("%s is a symlink to a %d-byte target; xorriso (libisofs) refuses to load any image holding a Rock Ridge symlink longer than %d bytes; shorten it", n.host, len(target), symlinkMax)
		}
		n.kind, n.target = kindSymlink, target
	default:
		return fmt.Errorf("%s is a %s: an ISO 9660 image holds only regular files, directories and symlinks; remove it from the source tree", n.host, describe(m))
	}
	return nil
}

// number gives n its serial number; hard-linked regular files share the
// first one's.
func (s *scanner) number(n *node, nlink uint64) {
	n.leader = n
	if n.kind == kindFile && nlink > 1 {
		key := devIno{n.dev, n.hi}
		if first, ok := s.links[key]; ok {
			n.leader, n.ino = first, first.ino
			return
		}
		s.links[key] = n
	}
	s.next++
	n.ino = s.next
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

// statIdentity returns the host device and inode of fi.
func statIdentity(fi fs.FileInfo) (devIno, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return devIno{}, false
	}
	return devIno{uint64(st.Dev), uint64(st.Ino)}, true
}
