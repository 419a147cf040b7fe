package kmod

import (
	"bytes"
	"strings"
)

// lines returns the non-empty lines of data that are not "#" comments,
// trimmed.
func lines(data []byte) []string {
	var out []string
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// parseDep reads modules.dep: "path: dep-path...", each line listing all
// of a module's dependencies. It returns the module paths and the
// dependencies, both by name.
func parseDep(data []byte) (files map[string]string, deps map[string][]string) {
	files, deps = map[string]string{}, map[string][]string{}
	for _, line := range lines(data) {
		mod, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name := nameOf(mod)
		files[name] = mod
		for _, d := range strings.Fields(rest) {
			deps[name] = append(deps[name], nameOf(d))
		}
	}
	return files, deps
}

// parseBuiltinModinfo reads modules.builtin.modinfo: NUL-separated
// "module.key=value" strings.
func parseBuiltinModinfo(data []byte) map[string]*modinfo {
	out := map[string]*modinfo{}
	for entry := range bytes.SplitSeq(data, []byte{0}) {
		mod, kv, ok := strings.Cut(string(entry), ".")
		key, value, ok2 := strings.Cut(kv, "=")
		if !ok || !ok2 {
			continue
		}
		name := normalize(mod)
		if out[name] == nil {
			out[name] = &modinfo{}
		}
		out[name].add(key, value)
	}
	return out
}

// parseSoftdepFile reads modules.softdep: "softdep MODULE pre: ... post: ...".
func parseSoftdepFile(data []byte) map[string][]string {
	out := map[string][]string{}
	for _, line := range lines(data) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "softdep" {
			name := normalize(f[1])
			out[name] = append(out[name], strings.Join(f[2:], " "))
		}
	}
	return out
}

// parseAliasFile reads modules.alias: "alias PATTERN MODULE".
func parseAliasFile(data []byte) []alias {
	var out []alias
	for _, line := range lines(data) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "alias" {
			out = append(out, alias{normalize(f[1]), normalize(f[2])})
		}
	}
	return out
}

// parseSoftdep splits a softdep value, "pre: a b post: c", into its
// lists. Names before any "pre:" or "post:" are ignored, as by kmod.
func parseSoftdep(value string) (pre, post []string) {
	var list *[]string
	for _, w := range strings.Fields(value) {
		switch w {
		case "pre:":
			list = &pre
		case "post:":
			list = &post
		default:
			if list != nil {
				*list = append(*list, w)
			}
		}
	}
	return pre, post
}
