package lang

import (
	"io/fs"
	"path"
	"strings"
	"unicode"
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

// nearest returns the candidate closest to x, ignoring case and
// underscores, if it differs in less than half of x; "" otherwise. Ties go
// to the earliest candidate. (The same rule as go.starlark.net's spelling
// suggestions, which live in an internal package.)
func nearest(x string, candidates []string) string {
	x = fold(x)
	best, bestD := "", max((len(x)+1)/2, 2) // short names: one edit away still counts
	for _, c := range candidates {
		if d := levenshtein(x, fold(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// fold lower-cases s and drops its underscores.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// levenshtein returns the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur := make([]int, len(rb)+1)
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j]+cost, prev[j+1]+1, cur[j]+1)
		}
		prev = cur
	}
	return prev[len(rb)]
}
