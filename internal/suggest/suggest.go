// Package suggest is cairn's one "did you mean": unknown builtins,
// parameters, load names, project paths, packages, kernel modules and
// commands are all matched against the known names by the same distance
// and the same rule of what is close enough, so every message offers
// suggestions the same way. It imports nothing but the standard library,
// so every wing (lang, stdlib, internal/pkgs, internal/ingraph, the CLI)
// may use it.
package suggest

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Distance is the Levenshtein edit distance between a and b in runes,
// ignoring case and counting '-' and '_' as the same character.
func Distance(a, b string) int {
	ra, rb := []rune(fold(a)), []rune(fold(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j]+cost, prev[j+1]+1, cur[j]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' {
			return '_'
		}
		return unicode.ToLower(r)
	}, s)
}

// Limit is the largest distance at which a candidate still reads as a
// typo of s: one edit for names of up to 3 characters, two up to 6,
// three beyond.
func Limit(s string) int {
	return min(max((utf8.RuneCountInString(s)+2)/3, 1), 3)
}

// Ranked returns up to n candidates, nearest to s first (ties in byte
// order), however far they are: for "nearest: a, b, c" lists.
func Ranked(s string, candidates []string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	all := make([]scored, 0, len(candidates))
	for _, c := range candidates {
		all = append(all, scored{c, Distance(s, c)})
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, c := range all[:min(n, len(all))] {
		out = append(out, c.name)
	}
	return out
}

// Close returns up to n candidates that read as a typo of s, nearest
// first: within Limit(s) edits, or one a prefix of the other when the
// shorter has at least 4 characters (compile_kernel, compile_kernel_image).
func Close(s string, candidates []string, n int) []string {
	var out []string
	for _, c := range Ranked(s, candidates, len(candidates)) {
		if len(out) == n {
			break
		}
		if Distance(s, c) <= Limit(s) || prefixed(s, c) {
			out = append(out, c)
		}
	}
	return out
}

// prefixed reports whether one of a and b starts the other, the shorter
// having at least 4 characters.
func prefixed(a, b string) bool {
	a, b = fold(a), fold(b)
	if len(a) > len(b) {
		a, b = b, a
	}
	return utf8.RuneCountInString(a) >= 4 && strings.HasPrefix(b, a)
}

// One returns the closest candidate within Limit(s), or "".
func One(s string, candidates []string) string {
	if c := Close(s, candidates, 1); len(c) == 1 {
		return c[0]
	}
	return ""
}
