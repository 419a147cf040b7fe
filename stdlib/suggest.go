package stdlib

import (
	"io/fs"
	"path"
	"strconv"

	"github.com/cairn-build/cairn/internal/suggest"
)

// nearestPath suggests an existing sibling of a missing project path.
func nearestPath(fsys fs.FS, p string) string {
	dir := path.Dir(p)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return ""
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	best := nearest(path.Base(p), names)
	if best == "" {
		return ""
	}
	return path.Join(dir, best)
}

// nearest returns the candidate closest to s, if it is close enough to be a
// likely typo (internal/suggest, cairn's one rule).
func nearest(s string, candidates []string) string { return suggest.One(s, candidates) }

func quote(s string) string { return strconv.Quote(s) }
