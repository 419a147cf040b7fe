package archive

import (
	"cmp"
	"io/fs"
	"os"
	"path"
	"slices"
)

// fileKey identifies a host file, to find hard links.
type fileKey struct{ dev, ino uint64 }

// node is an entry under construction together with its host identity.
type node struct {
	Entry
	key fileKey
}

// walker collects the nodes of one tree.
type walker struct {
	opts  Options
	nodes []node
}

// Walk lists the tree below root as archive entries, normalised by opts
// and sorted as described in the package documentation. It reads metadata
// only; file contents are read by the encoders through [Entry.Open].
func Walk(root string, opts Options) ([]Entry, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	w := &walker{opts: opts}
	if err := Visit(root, KeepLinks, w.visit); err != nil {
		return nil, err
	}
	slices.SortFunc(w.nodes, func(a, b node) int { return ComparePaths(a.Path, b.Path) })
	return finish(w.nodes), nil
}

// ComparePaths orders archive paths component by component, each
// component in byte order: it compares like a byte-wise comparison in
// which "/" sorts before every other byte. The result is the order of a
// depth-first walk that visits each directory's names in byte order.
func ComparePaths(a, b string) int {
	for i := 0; i < min(len(a), len(b)); i++ {
		if ca, cb := sepFirst(a[i]), sepFirst(b[i]); ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// sepFirst maps a path byte to a sort key in which "/" is lowest.
func sepFirst(c byte) int {
	if c == '/' {
		return -1
	}
	return int(c)
}

// visit adds the file at host, named name below the root, after
// opts.Check accepts it; the root is listed only under a prefix or with
// opts.Root.
func (w *walker) visit(name, host string, fi fs.FileInfo) error {
	if w.opts.Check != nil {
		if err := w.opts.Check(name, host, fi); err != nil {
			return err
		}
	}
	n, ok, err := w.newNode(host, name, fi)
	switch {
	case err != nil || !ok:
		return err
	case name == "" && w.opts.Prefix != "":
		n.src = ""
		w.nodes = append(w.nodes, prefixNodes(n)...)
	case name != "" || w.opts.Root:
		w.nodes = append(w.nodes, n)
	}
	return nil
}

// prefixNodes returns dir (named by the prefix) and its ancestors, which
// get mode 0755 and no extended attributes.
func prefixNodes(dir node) []node {
	nodes := []node{dir}
	for p := path.Dir(dir.Path); p != "."; p = path.Dir(p) {
		up := dir
		up.Path, up.Perm, up.Xattrs = p, 0o755, nil
		nodes = append(nodes, up)
	}
	return nodes
}

// newNode describes the host file host, at path name below the root. It
// reports false for files that are skipped (sockets).
func (w *walker) newNode(host, name string, fi fs.FileInfo) (node, bool, error) {
	kind, ok := kindOf(fi.Mode())
	if !ok {
		return node{}, false, skipOrFail(host, fi.Mode())
	}
	hi, err := statInfo(host, fi)
	if err != nil {
		return node{}, false, err
	}
	n := node{Entry: Entry{
		Path: path.Join(w.opts.Prefix, name), Kind: kind, Perm: permBits(fi.Mode()),
		UID: hi.uid, GID: hi.gid, ModTime: w.opts.Epoch, Nlink: 1, src: host,
	}}
	w.opts.own(&n.Entry)
	if err := fill(&n, fi, hi); err != nil {
		return node{}, false, err
	}
	if w.opts.Xattrs {
		n.Xattrs, err = readXattrs(host)
	}
	return n, true, err
}

// own applies the forced owner, if any.
func (o Options) own(e *Entry) {
	if o.UID != nil {
		e.UID = *o.UID
	}
	if o.GID != nil {
		e.GID = *o.GID
	}
}

// fill adds the kind-specific fields.
func fill(n *node, fi fs.FileInfo, hi hostInfo) error {
	switch n.Kind {
	case KindRegular:
		n.Size, n.key = fi.Size(), fileKey{hi.dev, hi.ino}
	case KindChar, KindBlock:
		n.Major, n.Minor = devMajor(hi.rdev), devMinor(hi.rdev)
	case KindSymlink:
		target, err := os.Readlink(n.src)
		if err != nil {
			return errWrap("read link", n.src, err)
		}
		n.Linkname = target
	}
	return nil
}

// skipOrFail returns nil for sockets, which are skipped, and an error for
// anything else Walk cannot archive.
func skipOrFail(host string, mode fs.FileMode) error {
	if mode.Type() == fs.ModeSocket {
		return nil
	}
	return errUnsupported(host, mode)
}

// kindOf maps a host file type to an entry kind.
func kindOf(mode fs.FileMode) (Kind, bool) {
	switch mode.Type() {
	case 0:
		return KindRegular, true
	case fs.ModeDir:
		return KindDir, true
	case fs.ModeSymlink:
		return KindSymlink, true
	case fs.ModeDevice | fs.ModeCharDevice:
		return KindChar, true
	case fs.ModeDevice:
		return KindBlock, true
	case fs.ModeNamedPipe:
		return KindFifo, true
	}
	return 0, false
}

// permBits returns the Unix permission, setuid, setgid and sticky bits.
func permBits(mode fs.FileMode) uint32 {
	bits := uint32(mode.Perm())
	if mode&fs.ModeSetuid != 0 {
		bits |= 0o4000
	}
	if mode&fs.ModeSetgid != 0 {
		bits |= 0o2000
	}
	if mode&fs.ModeSticky != 0 {
		bits |= 0o1000
	}
	return bits
}

// finish numbers inodes, resolves hard links and sets link counts on the
// sorted nodes.
func finish(nodes []node) []Entry {
	linkRegular(nodes)
	linkDirs(nodes)
	entries := make([]Entry, len(nodes))
	for i, n := range nodes {
		entries[i] = n.Entry
	}
	return entries
}

// linkRegular assigns inode numbers from 1 in order; regular files sharing
// a host inode share an archive inode, point at the group's first member
// and record the group size as their link count.
func linkRegular(nodes []node) {
	first := make(map[fileKey]int)
	size := make(map[fileKey]uint32)
	next := uint32(1)
	for i := range nodes {
		n := &nodes[i]
		j, seen := first[n.key]
		switch {
		case n.Kind != KindRegular:
			n.Ino, next = next, next+1
		case seen:
			n.Ino, n.LinkTo = nodes[j].Ino, nodes[j].Path
		default:
			n.Ino, next = next, next+1
			first[n.key] = i
		}
		size[n.key]++
	}
	for i := range nodes {
		if nodes[i].Kind == KindRegular {
			nodes[i].Nlink = size[nodes[i].key]
		}
	}
}

// linkDirs sets each directory's link count to 2 plus its number of
// subdirectories, as a Unix file system would.
func linkDirs(nodes []node) {
	subdirs := make(map[string]uint32)
	for _, n := range nodes {
		if n.Kind == KindDir && n.Path != "" {
			subdirs[parentOf(n.Path)]++
		}
	}
	for i := range nodes {
		if nodes[i].Kind == KindDir {
			nodes[i].Nlink = 2 + subdirs[nodes[i].Path]
		}
	}
}

// parentOf is the path of the directory holding p, "" for the root.
func parentOf(p string) string {
	if dir := path.Dir(p); dir != "." {
		return dir
	}
	return ""
}
