package iso9660

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Name limits: ISO identifiers are 8.3 d-characters ("NAME.EXT;1",
// directories "NAME"), Joliet identifiers at most 64 UCS-2 characters
// before the ";1" version files carry.
const (
	isoBaseMax    = 8
	isoExtMax     = 3
	isoFileIDMax  = isoBaseMax + 1 + isoExtMax + 2
	jolietMax     = 64
	jolietExtKeep = 16
)

// dchars maps s to at most max d-characters: letters are upper-cased,
// every other character (one per rune) becomes '_'.
func dchars(s string, max int) string {
	b := make([]byte, 0, max)
	for _, r := range s {
		if len(b) == max {
			break
		}
		switch {
		case 'a' <= r && r <= 'z':
			b = append(b, byte(r-'a'+'A'))
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '_':
			b = append(b, byte(r))
		default:
			b = append(b, '_')
		}
	}
	return string(b)
}

// isoParts splits name into the d-character name and extension of its
// ISO identifier; directories have no extension.
func isoParts(name string, dir bool) (base, ext string) {
	if strings.HasPrefix(name, ".") {
		name = "_" + name[1:]
	}
	if i := strings.LastIndexByte(name, '.'); !dir && i > 0 {
		base, ext = dchars(name[:i], isoBaseMax), dchars(name[i+1:], isoExtMax)
	} else {
		base = dchars(name, isoBaseMax)
	}
	if base == "" {
		base = "_"
	}
	return base, ext
}

// namer hands out identifiers unique within one directory.
type namer struct{ used map[string]bool }

func newNamer() *namer { return &namer{used: map[string]bool{}} }

// iso returns the ISO identifier for name: "BASE.EXT;1" for files, "BASE"
// for directories. On a clash the base's tail becomes "_k".
func (nm *namer) iso(name string, dir bool) []byte {
	base, ext := isoParts(name, dir)
	for k := 0; ; k++ {
		b := withSuffix(base, k, isoBaseMax)
		key := b
		if ext != "" {
			key += "." + ext
		}
		if nm.used[key] {
			continue
		}
		nm.used[key] = true
		if dir {
			return []byte(b)
		}
		return []byte(b + "." + ext + ";1")
	}
}

// withSuffix returns base for k == 0, else base cut so that base+"_k"
// fits max.
func withSuffix(base string, k, max int) string {
	if k == 0 {
		return base
	}
	sfx := "_" + strconv.Itoa(k)
	return base[:min(len(base), max-len(sfx))] + sfx
}

// jolietUnits returns name as UTF-16 with the characters Joliet forbids
// (control characters, * / : ; ? \ and invalid UTF-8) replaced by '_'.
func jolietUnits(name string) []uint16 {
	var u []uint16
	for len(name) > 0 {
		r, size := utf8.DecodeRuneInString(name)
		name = name[size:]
		if r == utf8.RuneError || r < 0x20 || strings.ContainsRune(`*/:;?\`, r) {
			r = '_'
		}
		u = utf16.AppendRune(u, r)
	}
	return u
}

// joliet returns the Joliet identifier for name, UCS-2 big-endian: at
// most 64 characters, the extension kept when the name is cut, ";1"
// after files, "_k" before the extension on a clash.
func (nm *namer) joliet(name string, dir bool) []byte {
	base, ext := jolietUnits(name), []uint16(nil)
	if j := lastDot(base); !dir && j > 0 && len(base)-j <= jolietExtKeep {
		base, ext = base[:j], base[j:]
	}
	for k := 0; ; k++ {
		u := jolietFit(base, ext, k)
		key := string(utf16.Decode(u))
		if nm.used[key] {
			continue
		}
		nm.used[key] = true
		if !dir {
			u = append(u, ';', '1')
		}
		return ucs2Bytes(u)
	}
}

// lastDot returns the index of the last '.' in u.
func lastDot(u []uint16) int {
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == '.' {
			return i
		}
	}
	return -1
}

// jolietFit joins base, the clash suffix for k and ext within the
// 64-character limit, never splitting a surrogate pair.
func jolietFit(base, ext []uint16, k int) []uint16 {
	var sfx []uint16
	if k > 0 {
		sfx = utf16.Encode([]rune("_" + strconv.Itoa(k)))
	}
	room := jolietMax - len(sfx) - len(ext)
	if len(base) > room {
		base = base[:room]
		if n := len(base); n > 0 && utf16.IsSurrogate(rune(base[n-1])) && base[n-1] < 0xDC00 {
			base = base[:n-1]
		}
	}
	return slices.Concat(base, sfx, ext)
}

// identKey is a sort key for an ISO or Joliet identifier (as UCS-2
// units), ordered as ECMA-119 9.3 orders directory records: by name,
// then extension, each padded with spaces, then by the raw units.
type identKey struct{ name, ext, raw []uint16 }

// newIdentKey splits an identifier at its version ';' and last '.'.
func newIdentKey(u []uint16) identKey {
	raw := u
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == ';' {
			u = u[:i]
			break
		}
	}
	if i := lastDot(u); i >= 0 {
		return identKey{u[:i], u[i+1:], raw}
	}
	return identKey{u, nil, raw}
}

// compare orders two keys.
func (a identKey) compare(b identKey) int {
	if c := padCompare(a.name, b.name); c != 0 {
		return c
	}
	if c := padCompare(a.ext, b.ext); c != 0 {
		return c
	}
	return slices.Compare(a.raw, b.raw)
}

// padCompare compares a and b as if the shorter were padded with spaces.
func padCompare(a, b []uint16) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		x, y := uint16(' '), uint16(' ')
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// isoUnits widens an ISO identifier for identKey.
func isoUnits(id []byte) []uint16 {
	u := make([]uint16, len(id))
	for i, c := range id {
		u[i] = uint16(c)
	}
	return u
}

// jolietDecode turns UCS-2 big-endian bytes back into units.
func jolietDecode(id []byte) []uint16 {
	u := make([]uint16, len(id)/2)
	for i := range u {
		u[i] = uint16(id[2*i])<<8 | uint16(id[2*i+1])
	}
	return u
}
