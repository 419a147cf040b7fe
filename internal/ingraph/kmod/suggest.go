package kmod

import (
	"slices"
	"strings"
)

// maxSuggestions is how many near names an unknown-module error offers.
const maxSuggestions = 3

// nearest returns up to maxSuggestions of names closest to want by edit
// distance, nearest first and ties in byte order.
func nearest(want string, names []string) []string {
	type scored struct {
		name string
		dist int
	}
	all := make([]scored, 0, len(names))
	for _, n := range names {
		all = append(all, scored{n, editDistance(want, n)})
	}
	slices.SortFunc(all, func(a, b scored) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, s := range all[:min(len(all), maxSuggestions)] {
		out = append(out, s.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes:
// module names are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
