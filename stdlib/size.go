package stdlib

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.starlark.net/starlark"
)

// sizeArg is a byte count: an int, or a string with a binary unit suffix
// ("512M", "2G", "1.5G", "64K", "4096"), or None for the default (0). Units are powers of 1024, as
// partitioning tools read them; "MiB" and "MB" are accepted as "M".
type sizeArg struct {
	v int64
}

var sizeUnits = map[string]int64{"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}

func (s *sizeArg) Unpack(v starlark.Value) error {
	if v == starlark.None {
		return nil // the caller's default
	}
	if i, ok := v.(starlark.Int); ok {
		n, ok := i.Int64()
		if !ok || n < 0 {
			return errGot(repr(v), `a size like "512M"`)
		}
		s.v = n
		return nil
	}
	str, ok := starlark.AsString(v)
	if !ok {
		return errGot(v.Type(), `a size like "512M"`)
	}
	n, err := parseSize(str)
	if err != nil {
		return errGot(repr(v), `a size like "512M"`)
	}
	s.v = n
	return nil
}

// parseSize reads "512M", "1.5G", "4096".
func parseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "IB"), "B")
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], t[i:]
	}
	mul, ok := sizeUnits[unit]
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f < 0 || f*float64(mul) > math.MaxInt64/2 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(math.Ceil(f * float64(mul))), nil
}

// humanSize prints a byte count the way a recipe would write it.
func humanSize(n int64) string {
	for _, u := range []string{"T", "G", "M", "K"} {
		if m := sizeUnits[u]; n >= m && n%m == 0 {
			return fmt.Sprintf("%d%s", n/m, u)
		}
	}
	return fmt.Sprint(n)
}
