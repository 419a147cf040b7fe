package rpm

import (
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// EVR is an epoch, a version and a release, as rpm orders packages.
type EVR struct {
	// Epoch is "" when the package has none, which orders as "0".
	Epoch, Version, Release string
}

// ParseEVR splits "[EPOCH:]VERSION[-RELEASE]" as rpm does: the epoch is
// the digits before the first ':', the release what follows the last '-'.
func ParseEVR(s string) EVR {
	var e EVR
	if i := strings.IndexByte(s, ':'); i >= 0 && allDigits(s[:i]) {
		e.Epoch, s = s[:i], s[i+1:]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		s, e.Release = s[:i], s[i+1:]
	}
	e.Version = s
	return e
}

// String is the EVR as rpm prints it, the epoch only when there is one.
func (e EVR) String() string {
	s := e.Version
	if e.Epoch != "" {
		s = e.Epoch + ":" + s
	}
	if e.Release != "" {
		s += "-" + e.Release
	}
	return s
}

// CompareEVR orders two EVRs as rpm's rpmVersionCompare does: epochs as
// numbers (none is 0), then versions, then releases with rpmvercmp. A
// release missing on either side is not compared (a requirement on
// "1.0" is met by every "1.0-N").
func CompareEVR(a, b EVR) int {
	if c := pkgs.CompareNumbers(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	if c := Vercmp(a.Version, b.Version); c != 0 {
		return c
	}
	if a.Release == "" || b.Release == "" {
		return 0
	}
	return Vercmp(a.Release, b.Release)
}

// Vercmp orders two version (or release) strings exactly as rpm 4.18's
// rpmvercmp: the strings are split into runs of digits and runs of letters
// (anything else separates them); '~' sorts before everything, even the
// end of the string, '^' after the end of the string but before anything
// else; digit runs compare as numbers and beat letter runs; when one
// string runs out, the longer one is newer.
func Vercmp(a, b string) int {
	if a == b {
		return 0
	}
	for len(a) > 0 || len(b) > 0 {
		a, b = strings.TrimLeftFunc(a, isSeparator), strings.TrimLeftFunc(b, isSeparator)
		// Tilde: older than anything, the end of the string included.
		if ta, tb := strings.HasPrefix(a, "~"), strings.HasPrefix(b, "~"); ta || tb {
			if !ta {
				return 1
			}
			if !tb {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		// Caret: newer than the end of the string, older than anything else.
		if ca, cb := strings.HasPrefix(a, "^"), strings.HasPrefix(b, "^"); ca || cb {
			switch {
			case a == "":
				return -1
			case b == "":
				return 1
			case !ca:
				return 1
			case !cb:
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if a == "" || b == "" {
			break
		}
		numeric := isDigit(a[0])
		sa, ra := run(a, numeric)
		sb, rb := run(b, numeric)
		if sb == "" {
			// Different kinds of segment: the numeric one is newer.
			if numeric {
				return 1
			}
			return -1
		}
		c := strings.Compare(sa, sb)
		if numeric {
			c = pkgs.CompareNumbers(sa, sb)
		}
		if c != 0 {
			return c
		}
		a, b = ra, rb
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

// run splits off s's leading run of digits (numeric) or letters.
func run(s string, numeric bool) (string, string) {
	i := 0
	for i < len(s) && (numeric && isDigit(s[i]) || !numeric && isAlpha(s[i])) {
		i++
	}
	return s[:i], s[i:]
}

// isSeparator is what rpmvercmp skips: anything but letters, digits, '~'
// and '^'.
func isSeparator(r rune) bool {
	return !(r < 0x80 && (isDigit(byte(r)) || isAlpha(byte(r)))) && r != '~' && r != '^'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
