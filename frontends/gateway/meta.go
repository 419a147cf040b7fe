package gateway

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	fstypes "github.com/tonistiigi/fsutil/types"
)

// metadataFile is where a metadata-only transfer (llb.MetadataOnlyTransfer)
// leaves the stat of every entry of the local, content or not: a sequence
// of little-endian uint32 lengths, each followed by an fsutil Stat message.
const metadataFile = ".fsutil-metadata"

// maxSymlinks bounds symbolic-link resolution, as the kernel does.
const maxSymlinks = 40

// metaTree is the project's shape from a metadata-only transfer.
type metaTree struct {
	stats    map[string]*fstypes.Stat
	children map[string][]string // directory ("." for the root) -> names
}

func parseMetadata(data []byte) (*metaTree, error) {
	m := &metaTree{stats: map[string]*fstypes.Stat{}, children: map[string][]string{}}
	for len(data) > 0 {
		if len(data) < 4 {
			return nil, fmt.Errorf("%s: truncated record", metadataFile)
		}
		n := binary.LittleEndian.Uint32(data)
		if uint64(len(data)-4) < uint64(n) {
			return nil, fmt.Errorf("%s: truncated record", metadataFile)
		}
		st := &fstypes.Stat{}
		if err := st.UnmarshalVT(data[4 : 4+n]); err != nil {
			return nil, fmt.Errorf("%s: %w", metadataFile, err)
		}
		data = data[4+n:]
		p := path.Clean(st.Path)
		m.stats[p] = st
		m.children[path.Dir(p)] = append(m.children[path.Dir(p)], path.Base(p))
	}
	for _, names := range m.children {
		sort.Strings(names)
	}
	return m, nil
}

// resolve follows symbolic links in every component of name, inside the
// project, and returns the path it leads to and its stat (nil for the
// project root).
func (m *metaTree) resolve(name string) (string, *fstypes.Stat, error) {
	cur, todo := "", strings.Split(name, "/")
	var st *fstypes.Stat
	for hops := 0; len(todo) > 0; {
		part := todo[0]
		todo = todo[1:]
		if part == "" || part == "." {
			continue
		}
		next := path.Join(cur, part)
		if part == ".." {
			if cur == "" {
				return "", nil, fs.ErrNotExist // leaves the project
			}
			cur, st = path.Dir(cur), m.stats[path.Dir(cur)]
			if cur == "." {
				cur = ""
			}
			continue
		}
		if st = m.stats[next]; st == nil {
			return "", nil, fs.ErrNotExist
		}
		if fs.FileMode(st.Mode)&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > maxSymlinks {
			return "", nil, fmt.Errorf("%s: too many levels of symbolic links", name)
		}
		if strings.HasPrefix(st.Linkname, "/") {
			cur = ""
		}
		todo = append(strings.Split(st.Linkname, "/"), todo...)
	}
	if cur == "" {
		return ".", nil, nil
	}
	return cur, st, nil
}
