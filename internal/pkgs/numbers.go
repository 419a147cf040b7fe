package pkgs

import (
	"cmp"
	"strings"
)

// CompareNumbers compares two strings of decimal digits by value, however
// long (epochs and version segments can overflow an int); the empty string
// is zero. dpkg and rpm both order digit runs this way.
func CompareNumbers(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
