package fat

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// lfnChars is the number of UTF-16 code units one long-name entry holds.
const lfnChars = 13

// maxLongName is the longest name VFAT stores, in UTF-16 code units.
const maxLongName = 255

// assignNames gives each entry of dir its 8.3 name. Names that already
// are valid upper-case 8.3 names are stored as such; names that are 8.3
// but for their case keep that short name and get a long name; all
// others get a long name and a short name with a numeric tail, "NAME~1",
// "NAME~2", ..., the first not taken, trying names in sorted order so
// the choice is reproducible. Names differing only in case are an error,
// since Windows and Linux's vfat cannot open both.
func assignNames(dir *node) error {
	seen := make(map[string]string)
	used := make(map[[11]byte]bool)
	var tailed []*node
	for _, k := range dir.kids {
		if err := checkName(k); err != nil {
			return err
		}
		key := strings.ToUpper(k.name)
		if other, dup := seen[key]; dup {
			return fmt.Errorf("%s: names %q and %q differ only in case, and FAT (like Windows) treats them as one: rename one of them", dir.rel, other, k.name)
		}
		seen[key] = k.name
		if short, ok := exactShort(k.name); ok {
			k.short, k.long = short, k.name != strings.ToUpper(k.name)
			used[short] = true
		} else {
			tailed = append(tailed, k)
		}
	}
	next := make(map[string]int) // basis -> first tail worth trying
	for _, k := range tailed {
		if err := tailName(k, used, next); err != nil {
			return err
		}
	}
	return nil
}

// checkName rejects names VFAT cannot store.
func checkName(n *node) error {
	bad := func(why string) error {
		return fmt.Errorf("%s: the name cannot be stored on FAT: %s; rename it", n.rel, why)
	}
	if !utf8.ValidString(n.name) {
		return bad("it is not valid UTF-8")
	}
	for _, r := range n.name {
		if r < 0x20 || strings.ContainsRune(`"*/:<>?\|`, r) {
			return bad(fmt.Sprintf("it contains %q", r))
		}
	}
	if strings.HasSuffix(n.name, ".") || strings.HasSuffix(n.name, " ") {
		return bad("it ends with a dot or a space, which Windows strips")
	}
	if len(utf16.Encode([]rune(n.name))) > maxLongName {
		return bad(fmt.Sprintf("it is longer than %d UTF-16 characters", maxLongName))
	}
	return nil
}

// exactShort returns the 8.3 form of name when upper-casing name is all
// it takes.
func exactShort(name string) ([11]byte, bool) {
	base, ext, dot := strings.Cut(strings.ToUpper(name), ".")
	if !validShort(base, 8) || !validShort(ext, 3) || strings.Contains(ext, ".") || (dot && ext == "") {
		return [11]byte{}, false
	}
	return pack(base, ext), base != ""
}

// validShort reports whether s is at most max valid 8.3 characters.
func validShort(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !shortChar(s[i]) {
			return false
		}
	}
	return true
}

// shortChar reports whether c may appear in an upper-case 8.3 name.
func shortChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("$%'-_@~`!(){}^#&", c) >= 0
}

// tailName gives n the first free "BASIS~N" short name. A candidate
// depends only on the basis prefix that the tail leaves room for, and
// names taken stay taken, so each search resumes where the last one with
// the same prefix, extension and tail length stopped (next): large
// directories stay linear.
func tailName(n *node, used map[[11]byte]bool, next map[string]int) error {
	base, ext := basis(n.name)
	for digits, limit := 1, 10; digits <= 6; digits, limit = digits+1, limit*10 {
		prefix := base[:min(len(base), 7-digits)]
		key := prefix + "." + ext + "~" + strconv.Itoa(digits)
		for i := max(limit/10, next[key]); i < limit; i++ {
			short := pack(prefix+"~"+strconv.Itoa(i), ext)
			if !used[short] {
				n.short, n.long = short, true
				used[short], next[key] = true, i+1
				return nil
			}
		}
		next[key] = limit
	}
	return fmt.Errorf("%s: no free 8.3 name for %q", n.rel, n.name)
}

// basis derives the basis of a short name from a long name as the FAT
// specification describes: drop spaces and leading dots, split at the
// last dot, upper-case, replace characters 8.3 names cannot hold by
// "_", and keep 8 and 3 characters.
func basis(name string) (base, ext string) {
	s := strings.TrimLeft(strings.ReplaceAll(name, " ", ""), ".")
	b, e := s, ""
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		b, e = s[:i], s[i+1:]
	}
	base, ext = mapShort(b, 8), mapShort(e, 3)
	if base == "" {
		base = "_"
	}
	return base, ext
}

// mapShort upper-cases s, drops dots, replaces other invalid characters
// (every non-ASCII character counts as one) by "_" and keeps max.
func mapShort(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() == max {
			break
		}
		switch {
		case r == '.':
		case r < utf8.RuneSelf && shortChar(byte(toUpper(r))):
			b.WriteByte(byte(toUpper(r)))
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// toUpper upper-cases an ASCII letter.
func toUpper(r rune) rune {
	if 'a' <= r && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

// pack pads base and ext with spaces into the 11-byte directory form.
func pack(base, ext string) [11]byte {
	s := [11]byte{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
	copy(s[:8], base)
	copy(s[8:], ext)
	return s
}

// checksum is the short-name checksum every long-name entry carries.
func checksum(short [11]byte) byte {
	var sum byte
	for _, c := range short {
		sum = (sum>>1 | sum<<7) + c
	}
	return sum
}

// longEntries returns the number of long-name entries name takes.
func longEntries(name string) uint32 {
	return cdiv(uint32(len(utf16.Encode([]rune(name)))), lfnChars)
}
