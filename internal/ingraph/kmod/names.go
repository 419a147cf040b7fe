package kmod

import (
	"path"
	"strings"
)

// suffixes are the module file endings the kernel's install step writes:
// plain, or compressed with CONFIG_MODULE_COMPRESS_*.
var suffixes = []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"}

// moduleSuffix returns the module ending of a file name, if it has one.
func moduleSuffix(name string) (string, bool) {
	for _, s := range suffixes {
		if strings.HasSuffix(name, s) && len(name) > len(s) {
			return s, true
		}
	}
	return "", false
}

// nameOf returns the module name of a module path, as the kernel knows it:
// "kernel/arch/x86/crypto/crc32c-intel.ko.xz" is "crc32c_intel".
func nameOf(rel string) string {
	base := path.Base(rel)
	s, _ := moduleSuffix(base)
	return normalize(strings.TrimSuffix(base, s))
}

// uncompressed returns a module path with ".ko" as its ending, which is
// how modules.order names compressed modules.
func uncompressed(rel string) string {
	s, ok := moduleSuffix(rel)
	if !ok {
		return rel
	}
	return strings.TrimSuffix(rel, s) + ".ko"
}

// normalize makes dashes underscores, except inside a "[...]" bracket
// expression, as kmod's alias_normalize does for names and aliases.
func normalize(s string) string {
	if !strings.ContainsRune(s, '-') {
		return s
	}
	b := []byte(s)
	inBracket := false
	for i, c := range b {
		switch {
		case c == '[':
			inBracket = true
		case c == ']':
			inBracket = false
		case c == '-' && !inBracket:
			b[i] = '_'
		}
	}
	return string(b)
}

// alias is one "alias PATTERN MODULE" line.
type alias struct{ pattern, module string }

// glob is an alias pattern with wildcards, in path.Match syntax, and the
// literal text it starts with.
type glob struct{ pattern, prefix, module string }

// aliasIndex finds the modules an alias names: plain aliases by map,
// patterns (mostly device ids such as "pci:v00008086d*") by matching.
type aliasIndex struct {
	exact map[string][]string
	globs []glob
}

// newAliasIndex indexes aliases.
func newAliasIndex(list []alias) *aliasIndex {
	x := &aliasIndex{exact: map[string][]string{}}
	for _, a := range list {
		i := strings.IndexAny(a.pattern, "*?[")
		if i < 0 {
			x.exact[a.pattern] = append(x.exact[a.pattern], a.module)
			continue
		}
		p := strings.ReplaceAll(a.pattern, "[!", "[^")
		x.globs = append(x.globs, glob{p, a.pattern[:i], a.module})
	}
	return x
}

// matchGlob matches a path.Match pattern; a malformed one matches nothing.
func matchGlob(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}
