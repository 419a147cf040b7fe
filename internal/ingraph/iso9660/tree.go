package iso9660

import (
	"fmt"
	"slices"
	"strings"
)

// piece is what one volume holds of a source node: all of it, or one part
// of a regular file split across volumes.
type piece struct {
	node      *node
	part      int    // 0 for the whole node, else 1-based
	parts     int    // how many parts the node was split into
	off, size int64  // the part's byte range of the file
	ino       uint32 // serial number of a part
}

// name is the piece's Rock Ridge name: the node's, or "NAME.partNNN".
func (p piece) name() string {
	if p.part == 0 {
		return p.node.name
	}
	return fmt.Sprintf("%s.part%03d", p.node.name, p.part)
}

// source is where an extent's bytes come from: a host file range or
// memory.
type source struct {
	host string
	off  int64
	mem  []byte
}

// extent is the run of sectors holding one file's data, shared by hard
// links.
type extent struct {
	lba  uint32
	size int64
	src  source
	of   piece // what the bytes are; of.node is nil for synthetic data
	sum  []byte
}

// entry is one name in one volume's directory tree.
type entry struct {
	name     string
	path     string
	node     *node // attributes; nil for the manifest
	kind     kind
	attrs    attrs
	parent   *entry
	children []*entry // sorted by name
	ext      *extent
	iso, jol []byte  // identifiers
	isoDir   *dirExt // directories: their extents in each tree
	jolDir   *dirExt
}

// treeBuilder assembles a volume's tree from its pieces.
type treeBuilder struct {
	root   *entry
	dirs   map[*node]*entry
	shared map[*node]*extent
}

// buildTree makes the directory tree holding pieces, with every
// directory on the way to them.
func buildTree(root *node, pieces []piece) (*entry, error) {
	b := &treeBuilder{dirs: map[*node]*entry{}, shared: map[*node]*extent{}}
	b.root = b.dir(root)
	for _, p := range pieces {
		if err := b.add(p); err != nil {
			return nil, err
		}
	}
	finishTree(b.root)
	return b.root, nil
}

// dir returns the entry for directory n, creating it and its parents.
func (b *treeBuilder) dir(n *node) *entry {
	if e, ok := b.dirs[n]; ok {
		return e
	}
	e := newEntry(n, n.name)
	b.dirs[n] = e
	if n.parent != nil {
		b.attach(b.dir(n.parent), e)
	}
	return e
}

// add places one piece.
func (b *treeBuilder) add(p piece) error {
	n := p.node
	if n.kind == kindDir {
		b.dir(n)
		return nil
	}
	parent := b.dir(n.parent)
	e := newEntry(n, p.name())
	if slices.ContainsFunc(parent.children, func(c *entry) bool { return c.name == e.name }) {
		return fmt.Errorf("cannot split %s into parts: %s already exists; rename it or raise max_volume_size", n.path, e.name)
	}
	if p.part != 0 {
		e.attrs.ino = p.ino
	}
	if n.kind == kindFile {
		e.ext = b.extent(p)
	}
	b.attach(parent, e)
	return nil
}

// extent returns the data extent for p, shared with earlier whole pieces
// of the same inode.
func (b *treeBuilder) extent(p piece) *extent {
	if p.part == 0 {
		if x, ok := b.shared[p.node.leader]; ok {
			return x
		}
	}
	x := &extent{size: p.size, src: source{host: p.node.host, off: p.off}, of: p}
	if p.part == 0 {
		b.shared[p.node.leader] = x
	}
	return x
}

// attach makes c a child of dir.
func (b *treeBuilder) attach(dir, c *entry) {
	c.parent = dir
	dir.children = append(dir.children, c)
	if dir.path == "" {
		c.path = c.name
	} else {
		c.path = dir.path + "/" + c.name
	}
}

// newEntry takes n's attributes under the given name.
func newEntry(n *node, name string) *entry {
	return &entry{name: name, node: n, kind: n.kind,
		attrs: attrs{mode: n.mode, uid: n.uid, gid: n.gid, ino: n.ino, nlink: 1}}
}

// finishTree sorts children by name and sets link counts: 2 plus
// subdirectories for directories, the number of names sharing an extent
// for files.
func finishTree(root *entry) {
	links := map[*extent]uint32{}
	walkEntries(root, func(e *entry) {
		slices.SortFunc(e.children, func(a, b *entry) int { return strings.Compare(a.name, b.name) })
		if e.ext != nil {
			links[e.ext]++
		}
		if e.kind == kindDir {
			e.attrs.nlink = 2
			for _, c := range e.children {
				if c.kind == kindDir {
					e.attrs.nlink++
				}
			}
		}
	})
	walkEntries(root, func(e *entry) {
		if e.ext != nil {
			e.attrs.nlink = links[e.ext]
		}
	})
}

// walkEntries calls f on e and everything below it, parents first, in
// name order once sorted.
func walkEntries(e *entry, f func(*entry)) {
	f(e)
	for _, c := range e.children {
		walkEntries(c, f)
	}
}

// addFile puts a synthetic read-only file (the manifest) in the root.
func addFile(root *entry, name string, ino uint32, size int64) (*entry, error) {
	if slices.ContainsFunc(root.children, func(c *entry) bool { return c.name == name }) {
		return nil, fmt.Errorf("the source tree has /%s, the name cairn gives the volume set manifest; rename it", name)
	}
	e := &entry{name: name, path: name, kind: kindFile, parent: root,
		attrs: attrs{mode: 0o100444, nlink: 1, ino: ino},
		ext:   &extent{size: size}}
	i, _ := slices.BinarySearchFunc(root.children, name, func(c *entry, n string) int { return strings.Compare(c.name, n) })
	root.children = slices.Insert(root.children, i, e)
	return e, nil
}
