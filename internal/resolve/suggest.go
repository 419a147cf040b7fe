package resolve

import (
	"sort"
	"strings"
)

// maxSuggestions bounds the names a did-you-mean offers.
const maxSuggestions = 3

// didYouMean offers the names closest to name by edit distance, as a
// suffix for a reason ("; did you mean libssl3?"), or "" if none is close.
func didYouMean(name string, names []string) string {
	limit := min(3, max(1, len(name)/3))
	type near struct {
		name string
		d    int
	}
	var found []near
	for _, n := range names {
		if abs(len(n)-len(name)) > limit || n == name {
			continue
		}
		if d := editDistance(name, n); d <= limit {
			found = append(found, near{n, d})
		}
	}
	if len(found) == 0 {
		return ""
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].name < found[j].name
	})
	var out []string
	for i := 0; i < len(found) && i < maxSuggestions; i++ {
		out = append(out, found[i].name)
	}
	return "; did you mean " + strings.Join(out, " or ") + "?"
}

// editDistance is the Levenshtein distance between two strings of bytes.
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

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
