package resolve

import (
	"sort"
	"strings"

	"github.com/agext/levenshtein"
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
		if d := levenshtein.Distance(name, n, nil); d <= limit {
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

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
