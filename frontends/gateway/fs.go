package gateway

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	fstypes "github.com/tonistiigi/fsutil/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// refFS is a read-only fs.FS over a gateway reference: what stdlib.Evaluate
// reads the project through. Paths resolve inside the reference, so
// symbolic links cannot lead out of the project.
type refFS struct {
	ctx context.Context
	ref gwclient.Reference
	// meta, when set, is the shape of the whole project: the reference then
	// holds content only for .star files, and fetch transfers any other
	// file the evaluation reads (see contextFS).
	meta  *metaTree
	fetch func(name string) (gwclient.Reference, error)
}

func (f *refFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if f.meta != nil {
		_, st, err := f.meta.resolve(name)
		if err != nil {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		if st == nil {
			st = &fstypes.Stat{Mode: uint32(fs.ModeDir | 0o755)}
		}
		return statInfo{st: st, name: path.Base(name)}, nil
	}
	st, err := f.ref.StatFile(f.ctx, gwclient.StatRequest{Path: name})
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fsError(err)}
	}
	return statInfo{st: st, name: path.Base(name)}, nil
}

func (f *refFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	ref := f.ref
	if f.meta != nil {
		real, _, err := f.meta.resolve(name)
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if !strings.HasSuffix(real, ".star") {
			if ref, err = f.fetch(real); err != nil {
				return nil, &fs.PathError{Op: "read", Path: name, Err: err}
			}
		}
		name = real
	}
	data, err := ref.ReadFile(f.ctx, gwclient.ReadRequest{Filename: name})
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fsError(err)}
	}
	return data, nil
}

func (f *refFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	if f.meta != nil {
		return f.metaDir(name)
	}
	stats, err := f.ref.ReadDir(f.ctx, gwclient.ReadDirRequest{Path: name})
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fsError(err)}
	}
	out := make([]fs.DirEntry, len(stats))
	for i, st := range stats {
		out[i] = fs.FileInfoToDirEntry(statInfo{st: st, name: path.Base(st.Path)})
	}
	sortEntries(out)
	return out, nil
}

// metaDir lists a directory from the metadata.
func (f *refFS) metaDir(name string) ([]fs.DirEntry, error) {
	real, st, err := f.meta.resolve(name)
	if err == nil && st != nil && !fs.FileMode(st.Mode).IsDir() {
		err = fs.ErrInvalid
	}
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	var out []fs.DirEntry
	for _, n := range f.meta.children[real] {
		out = append(out, fs.FileInfoToDirEntry(statInfo{st: f.meta.stats[path.Join(real, n)], name: n}))
	}
	return out, nil
}

func (f *refFS) Open(name string) (fs.File, error) { return openWith(f, name) }

// fsError maps the engine's "no such file" to fs.ErrNotExist, which the
// evaluator tells apart from other read errors.
func fsError(err error) error {
	if status.Code(err) == codes.NotFound || strings.Contains(err.Error(), "no such file or directory") {
		return fs.ErrNotExist
	}
	return err
}

// overlayFS is the context with the recipe, read from the dockerfile
// local, at name in its root.
type overlayFS struct {
	base *refFS
	name string
	data []byte
}

func (o *overlayFS) Stat(name string) (fs.FileInfo, error) {
	if name == o.name {
		return memInfo{name: name, size: int64(len(o.data))}, nil
	}
	return o.base.Stat(name)
}

func (o *overlayFS) ReadFile(name string) ([]byte, error) {
	if name == o.name {
		return bytes.Clone(o.data), nil
	}
	return o.base.ReadFile(name)
}

func (o *overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := o.base.ReadDir(name)
	if err != nil || name != "." {
		return entries, err
	}
	for _, e := range entries {
		if e.Name() == o.name {
			return entries, nil
		}
	}
	entries = append(entries, fs.FileInfoToDirEntry(memInfo{name: o.name, size: int64(len(o.data))}))
	sortEntries(entries)
	return entries, nil
}

func (o *overlayFS) Open(name string) (fs.File, error) { return openWith(o, name) }

// readFS is what openWith needs.
type readFS interface {
	fs.StatFS
	fs.ReadFileFS
	fs.ReadDirFS
}

// openWith implements Open for a file system that can stat, read files
// and list directories.
func openWith(f readFS, name string) (fs.File, error) {
	info, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		entries, err := f.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &memDir{info: info, entries: entries}, nil
	}
	data, err := f.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &memFile{info: info, r: bytes.NewReader(data)}, nil
}

func sortEntries(es []fs.DirEntry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Name() < es[j].Name() })
}

// statInfo is an engine stat as an fs.FileInfo.
type statInfo struct {
	st   *fstypes.Stat
	name string
}

func (s statInfo) Name() string       { return s.name }
func (s statInfo) Size() int64        { return s.st.Size }
func (s statInfo) Mode() fs.FileMode  { return fs.FileMode(s.st.Mode) }
func (s statInfo) ModTime() time.Time { return time.Unix(0, s.st.ModTime) }
func (s statInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s statInfo) Sys() any           { return s.st }

// memInfo describes the overlaid recipe.
type memInfo struct {
	name string
	size int64
}

func (m memInfo) Name() string       { return m.name }
func (m memInfo) Size() int64        { return m.size }
func (m memInfo) Mode() fs.FileMode  { return 0o644 }
func (m memInfo) ModTime() time.Time { return time.Time{} }
func (m memInfo) IsDir() bool        { return false }
func (m memInfo) Sys() any           { return nil }

// memFile is an open regular file, read whole.
type memFile struct {
	info fs.FileInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

// memDir is an open directory, listed whole.
type memDir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: fs.ErrInvalid}
}
func (d *memDir) Close() error { return nil }

func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}
