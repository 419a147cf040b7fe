package archive

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
)

// MemFile is a regular file given in memory rather than found in a tree
// on disk, for archives of a few files made on the spot (the gateway
// frontend's image holds one binary).
type MemFile struct {
	// Path is the slash path below the archive root: relative, clean.
	Path string
	// Perm holds the permission bits, setuid, setgid and sticky.
	Perm uint32
	// Data is the content.
	Data []byte
}

// WriteTarFiles writes files to w as a deterministic tar archive, as if
// they were a tree on disk holding them in directories of mode 0755:
// the rules of [WriteTar] apply, and an owner opts does not force is 0.
func WriteTarFiles(w io.Writer, files []MemFile, opts Options) error {
	entries, err := listFiles(files, opts)
	if err != nil {
		return err
	}
	return encodeTar(w, entries)
}

// listFiles lists files and their parent directories as Walk lists a
// tree.
func listFiles(files []MemFile, opts Options) ([]Entry, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	var nodes []node
	dirs := map[string]bool{}
	for _, f := range files {
		if !fs.ValidPath(f.Path) || f.Path == "." {
			return nil, errFilePath(f.Path)
		}
		p := path.Join(opts.Prefix, f.Path)
		nodes = append(nodes, memNode(Entry{Kind: KindRegular, Path: p, Perm: f.Perm & 0o7777, Size: int64(len(f.Data)), data: f.Data}, opts))
		nodes = append(nodes, dirNodes(p, dirs, opts)...)
	}
	slices.SortFunc(nodes, func(a, b node) int { return ComparePaths(a.Path, b.Path) })
	for i := range nodes {
		if i > 0 && nodes[i].Path == nodes[i-1].Path {
			return nil, errFilePath(nodes[i].Path)
		}
		nodes[i].key = fileKey{ino: uint64(i)} // every file its own: no hard links
	}
	return finish(nodes), nil
}

// dirNodes returns the directories above p (the prefix's included) not
// yet in dirs, with mode 0755, and adds them to dirs.
func dirNodes(p string, dirs map[string]bool, opts Options) []node {
	var nodes []node
	for d := path.Dir(p); d != "." && !dirs[d]; d = path.Dir(d) {
		dirs[d] = true
		nodes = append(nodes, memNode(Entry{Kind: KindDir, Path: d, Perm: 0o755}, opts))
	}
	return nodes
}

// memNode gives e the epoch and the forced owner.
func memNode(e Entry, opts Options) node {
	e.ModTime, e.Nlink = opts.Epoch, 1
	opts.own(&e)
	return node{Entry: e}
}

// memReader reads an in-memory entry's content.
func memReader(data []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(data)) }
