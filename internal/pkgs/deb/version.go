package deb

import (
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// CompareVersions orders two Debian versions exactly as dpkg does and
// returns -1, 0 or 1. The epoch is compared as a number, then the upstream
// version and the revision with dpkg's verrevcmp: runs of non-digits
// compare character by character with letters before other characters and
// '~' before everything, even the end of the string ("1.0~rc1" < "1.0");
// runs of digits compare as numbers of any length.
//
// It never fails: a string ValidVersion rejects is still ordered
// deterministically (an epoch that is not a number is treated as part of
// the upstream version), so sorting arbitrary input is safe.
func CompareVersions(a, b string) int {
	va, vb := splitVersion(a), splitVersion(b)
	if c := compareNumbers(va.epoch, vb.epoch); c != 0 {
		return c
	}
	if c := verrevcmp(va.upstream, vb.upstream); c != 0 {
		return sign(c)
	}
	return sign(verrevcmp(va.revision, vb.revision))
}

// version is a version string split into its three parts, without
// allocating: each part is a substring.
type version struct {
	epoch, upstream, revision string
}

// splitVersion splits as dpkg's parseversion does: the epoch is everything
// before the first ':', the revision everything after the last '-'.
func splitVersion(s string) version {
	s = strings.Trim(s, " \t")
	var v version
	if i := strings.IndexByte(s, ':'); i >= 0 && allDigits(s[:i]) {
		v.epoch, s = s[:i], s[i+1:]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		v.revision, s = s[i+1:], s[:i]
	}
	v.upstream = s
	return v
}

// compareNumbers compares two strings of decimal digits by value.
var compareNumbers = pkgs.CompareNumbers

// verrevcmp is dpkg's comparison of an upstream version or a revision. The
// result's sign is the order.
func verrevcmp(a, b string) int {
	for len(a) > 0 || len(b) > 0 {
		var c int
		if a, b, c = compareNonDigits(a, b); c != 0 {
			return c
		}
		if a, b, c = compareDigits(a, b); c != 0 {
			return c
		}
	}
	return 0
}

// compareNonDigits compares the leading non-digit runs of a and b and
// returns what follows them.
func compareNonDigits(a, b string) (string, string, int) {
	for (len(a) > 0 && !isDigit(a[0])) || (len(b) > 0 && !isDigit(b[0])) {
		ac, bc := order(a), order(b)
		if ac != bc {
			return a, b, ac - bc
		}
		a, b = a[1:], b[1:]
	}
	return a, b, 0
}

// compareDigits compares the leading digit runs of a and b as numbers and
// returns what follows them.
func compareDigits(a, b string) (string, string, int) {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	first := 0
	for len(a) > 0 && len(b) > 0 && isDigit(a[0]) && isDigit(b[0]) {
		if first == 0 {
			first = int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	switch {
	case len(a) > 0 && isDigit(a[0]):
		return a, b, 1
	case len(b) > 0 && isDigit(b[0]):
		return a, b, -1
	}
	return a, b, first
}

// order is dpkg's weight of the first character of s: the end of the
// string and digits weigh 0, '~' sorts before them, letters after, and
// every other byte after all letters. Distinct non-digits weigh
// differently, so equal weights mean equal characters.
func order(s string) int {
	if len(s) == 0 {
		return 0
	}
	switch c := s[0]; {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	default:
		return int(c) + 256
	}
}

// ValidVersion reports whether v is a version dpkg accepts without error
// or warning: [epoch:]upstream[-revision], where the epoch is a number no
// larger than dpkg's INT_MAX, the upstream version starts with a digit and
// holds only letters, digits and ".+~-:" ('-' only when there is a
// revision, ':' only when there is an epoch), and the revision holds only
// letters, digits and ".+~". Unlike dpkg it does not trim surrounding
// blanks: a stored version must be exactly the string it stands for.
func ValidVersion(v string) error {
	if reason := versionProblem(v); reason != "" {
		return errVersion(v, reason)
	}
	return nil
}

// versionProblem returns dpkg's complaint about v, or "".
func versionProblem(v string) string {
	switch {
	case v == "":
		return "version string is empty"
	case strings.Trim(v, " \t") != v:
		return "version string has leading or trailing blanks"
	case strings.ContainsAny(v, " \t"):
		return "version string has embedded spaces"
	}
	rest := v
	if i := strings.IndexByte(v, ':'); i >= 0 {
		if reason := epochProblem(v[:i], v[i+1:]); reason != "" {
			return reason
		}
		rest = v[i+1:]
	}
	up, rev, hasRev := rest, "", false
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		up, rev, hasRev = rest[:i], rest[i+1:], true
	}
	return partsProblem(up, rev, hasRev)
}

// epochProblem checks the text before and after the epoch's colon.
func epochProblem(epoch, rest string) string {
	switch {
	case epoch == "":
		return "epoch in version is empty"
	case !allDigits(epoch):
		return "epoch in version is not number"
	case compareNumbers(epoch, "2147483647") > 0:
		return "epoch in version is too big"
	case rest == "":
		return "nothing after colon in version number"
	}
	return ""
}

// partsProblem checks the upstream version and the revision.
func partsProblem(up, rev string, hasRev bool) string {
	switch {
	case hasRev && rev == "":
		return "revision number is empty"
	case up == "":
		return "upstream version is empty"
	case !isDigit(up[0]):
		return "version number does not start with digit"
	case !onlyChars(up, ".-+~:"):
		return "invalid character in version number"
	case !onlyChars(rev, ".+~"):
		return "invalid character in revision number"
	}
	return ""
}

// onlyChars reports whether s holds only ASCII letters, digits and bytes
// of extra.
func onlyChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
