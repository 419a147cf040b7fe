package fat

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
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
// copied once per name.
func Scan(root string) (*Tree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	s := &scanner{root: abs, tree: &Tree{}}
	s.tree.root = &node{dir: true, rel: "."}
	if err := s.dir(s.tree.root, ".", []string{"."}); err != nil {
		return nil, err
	}
	return s.tree, nil
}

// scanner carries the state of one Scan.
type scanner struct {
	root string
	tree *Tree
}

// dir fills n, a directory whose content is at real (a clean path below
// the root, "." for the root itself); stack holds the real paths of the
// directories being read, to catch link loops.
func (s *scanner) dir(n *node, real string, stack []string) error {
	s.tree.dirs = append(s.tree.dirs, n)
	ents, err := os.ReadDir(filepath.Join(s.root, real)) // sorted by name
	if err != nil {
		return err
	}
	for _, e := range ents {
		kid := &node{name: e.Name(), rel: path.Join(n.rel, e.Name()), up: n}
		if err := s.entry(kid, path.Join(real, e.Name()), stack); err != nil {
			return err
		}
		n.kids = append(n.kids, kid)
	}
	return nil
}

// entry fills n from the entry at real, following a symbolic link.
func (s *scanner) entry(n *node, real string, stack []string) error {
	fi, err := os.Lstat(filepath.Join(s.root, real))
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if real, err = s.resolve(real); err != nil {
			return fmt.Errorf("%s: %w", n.rel, err)
		}
		if fi, err = os.Lstat(filepath.Join(s.root, real)); err != nil {
			return err
		}
	}
	switch {
	case fi.IsDir():
		return s.subdir(n, real, stack)
	case fi.Mode().IsRegular():
		return s.file(n, real, fi.Size())
	}
	return fmt.Errorf("%s is a %s; FAT holds only files and directories: remove it from the tree", n.rel, kind(fi.Mode()))
}

// subdir descends into the directory at real unless that would loop.
func (s *scanner) subdir(n *node, real string, stack []string) error {
	for _, up := range stack {
		if up == real {
			return fmt.Errorf("%s: symbolic link loop: it leads back to %s", n.rel, real)
		}
	}
	n.dir = true
	return s.dir(n, real, append(stack, real))
}

// file records a regular file.
func (s *scanner) file(n *node, real string, size int64) error {
	if size > maxFileSize {
		return fmt.Errorf("%s has %d bytes; FAT files hold at most %d", n.rel, size, int64(maxFileSize))
	}
	n.size, n.src = size, filepath.Join(s.root, real)
	s.tree.files = append(s.tree.files, n)
	return nil
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

// maxLinks bounds the links followed while resolving one path, as the
// kernel's ELOOP limit does.
const maxLinks = 40

// resolve follows the symbolic link at real (a clean path below the
// root) and every link on the way, and returns the clean path below the
// root it ends at. ".." must not climb above the root.
func (s *scanner) resolve(real string) (string, error) {
	done, todo := path.Dir(real), []string{path.Base(real)}
	for links := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		if c == "" || c == "." {
			continue
		}
		if c == ".." {
			if done == "." {
				return "", errors.New("symbolic link points outside the source directory; FAT cannot hold links: make it relative and inside the tree, or replace it by a copy")
			}
			done = path.Dir(done)
			continue
		}
		next := path.Join(done, c)
		target, err := os.Readlink(filepath.Join(s.root, next))
		if errors.Is(err, syscall.EINVAL) {
			done = next // exists and is not a link
			continue
		}
		if err != nil {
			return "", fmt.Errorf("dangling symbolic link: %w", err)
		}
		if links++; links > maxLinks {
			return "", errors.New("too many levels of symbolic links")
		}
		if strings.HasPrefix(target, "/") {
			done = "."
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return done, nil
}
