package fat

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// maxFileSize is the largest file FAT records (its size field has 32
// bits).
const maxFileSize = 1<<32 - 1

// Tree is a directory tree read from disk, ready to be laid out: names,
// sizes and where each file's content is, in sorted order. Contents are
// read only when the volume is written.
type Tree struct {
	root   *node
	dirs   []*node // pre-order, root first
	files  []*node // pre-order
	demand map[int64]uint64
}

// node is one file or directory of a Tree.
type node struct {
	name string // name in its parent directory ("" for the root)
	rel  string // path below the root, for messages
	up   *node  // parent directory
	dir  bool
	size int64  // bytes of a file
	src  string // where a file's content is read from
	kids []*node

	short   [11]byte // 8.3 name
	long    bool     // whether LFN entries precede the short entry
	slots   uint32   // directory entries of a directory's own content
	cluster uint32   // first cluster (0 for empty files)
}

// Scan reads the tree below root. Symbolic links are followed when they
// resolve inside root (an absolute target is taken relative to root, as
// if root were "/"): FAT has no links, so the target's content is
// copied. Links that leave root, dangling links, link loops, device
// nodes, FIFOs and sockets are errors naming the path. Hard links are
// copied once per name. The walk is archive.Visit's, which follows the
// links; the rules about what FAT holds are this package's.
func Scan(root string) (*Tree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	s := &scanner{tree: &Tree{}, dirs: map[string]*node{}}
	if err := archive.Visit(abs, archive.FollowLinks, s.visit); err != nil {
		return nil, explainLink(err)
	}
	return s.tree, nil
}

// scanner carries the state of one Scan.
type scanner struct {
	tree *Tree
	dirs map[string]*node // by path below the root, "." for the root
}

// visit adds the file named name (a slash path below the root, "" for
// the root), found at host, to the tree: parents come before their
// children, and each directory's names in byte order.
func (s *scanner) visit(name, host string, fi fs.FileInfo) error {
	if name == "" {
		s.tree.root = &node{dir: true, rel: "."}
		s.addDir(s.tree.root)
		return nil
	}
	up := s.dirs[path.Dir(name)]
	n := &node{name: path.Base(name), rel: name, up: up}
	switch {
	case fi.IsDir():
		n.dir = true
		s.addDir(n)
	case fi.Mode().IsRegular():
		if err := s.addFile(n, host, fi.Size()); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s is a %s; FAT holds only files and directories: remove it from the tree", name, kind(fi.Mode()))
	}
	up.kids = append(up.kids, n)
	return nil
}

// addDir records a directory.
func (s *scanner) addDir(n *node) {
	s.tree.dirs = append(s.tree.dirs, n)
	s.dirs[n.rel] = n
}

// addFile records a regular file whose content is at host.
func (s *scanner) addFile(n *node, host string, size int64) error {
	if size > maxFileSize {
		return fmt.Errorf("%s has %d bytes; FAT files hold at most %d", n.rel, size, int64(maxFileSize))
	}
	n.size, n.src = size, host
	s.tree.files = append(s.tree.files, n)
	return nil
}

// explainLink adds to a link that cannot be followed why it matters.
func explainLink(err error) error {
	if errors.Is(err, archive.ErrLinkOutside) {
		return fmt.Errorf("%w; FAT cannot hold links: make it relative and inside the tree, or replace it by a copy", err)
	}
	return err
}

// kind names a file type for messages.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeDevice != 0:
		return "device node"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file (" + m.Type().String() + ")"
}
