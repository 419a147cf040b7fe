package resolve

import (
	"strings"

	"github.com/cairn-build/cairn/internal/suggest"
)

// maxSuggestions bounds the names a did-you-mean offers.
const maxSuggestions = 3

// didYouMean offers the names closest to name (internal/suggest's rule),
// as a suffix for a reason ("; did you mean libssl3?"), or "" if none is
// close.
func didYouMean(name string, names []string) string {
	near := suggest.Close(name, names, maxSuggestions)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(near, " or ") + "?"
}
