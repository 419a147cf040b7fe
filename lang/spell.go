package lang

import (
	"io/fs"
	"path"
	"strings"

	"github.com/cairn-build/cairn/internal/suggest"
)

// suggestFile returns module with its last element replaced by the name of
// a file in p's directory that is close to p's base name, or "".
func suggestFile(fsys fs.FS, p, module string) string {
	entries, err := fs.ReadDir(fsys, path.Dir(p))
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	best := nearestFile(path.Base(p), names)
	if best == "" {
		return ""
	}
	return module[:strings.LastIndex(module, "/")+1] + best
}

// nearestFile is nearest applied to file names without their extensions,
// so that "a.star" is not taken as a typo of "b.star".
func nearestFile(name string, candidates []string) string {
	stems := make([]string, len(candidates))
	for i, c := range candidates {
		stems[i] = strings.TrimSuffix(c, path.Ext(c))
	}
	best := nearest(strings.TrimSuffix(name, path.Ext(name)), stems)
	for i, s := range stems {
		if best != "" && s == best {
			return candidates[i]
		}
	}
	return ""
}

// nearest returns the candidate closest to x that reads as a typo of it,
// or "" (internal/suggest's rule, shared by every "did you mean" of cairn).
func nearest(x string, candidates []string) string { return suggest.One(x, candidates) }
