package debrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Source is one entry of the host's apt configuration: a line of a
// one-line .list file, or a paragraph of a deb822 .sources file.
type Source struct {
	Types      []string // "deb", "deb-src"
	URIs       []string
	Suites     []string
	Components []string
	// SignedBy is the signed-by option: a keyring path or fingerprints (or,
	// in .sources, an inline key block).
	SignedBy string
	File     string // the file it came from
	Line     int    // the line where the entry starts
}

// ReadHostSources reads <root>/etc/apt/sources.list and, in
// <root>/etc/apt/sources.list.d, the *.list and *.sources files, in apt's
// order: sources.list first, then the directory's files by name, each in
// file order. Disabled entries ("Enabled: no") and entries without the
// "deb" type are left out. Missing files are not an error.
func ReadHostSources(root string) ([]Source, error) {
	files := []string{filepath.Join(root, "etc/apt/sources.list")}
	dir := filepath.Join(root, "etc/apt/sources.list.d")
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".list") || strings.HasSuffix(n, ".sources")) {
			files = append(files, filepath.Join(dir, n))
		}
	}
	var out []Source
	for _, file := range files {
		srcs, err := readSourcesFile(file)
		if err != nil {
			return nil, err
		}
		out = append(out, srcs...)
	}
	return out, nil
}

// readSourcesFile reads one file by its format; a missing file is empty.
func readSourcesFile(file string) ([]Source, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var srcs []Source
	if strings.HasSuffix(file, ".sources") {
		srcs, err = parseDeb822Sources(string(data))
	} else {
		srcs, err = parseOneLineSources(string(data))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var out []Source
	for _, s := range srcs {
		if hasWord(s.Types, "deb") {
			s.File = file
			out = append(out, s)
		}
	}
	return out, nil
}

// parseDeb822Sources parses a .sources file.
func parseDeb822Sources(data string) ([]Source, error) {
	ps, err := parseDeb822(data)
	if err != nil {
		return nil, err
	}
	var out []Source
	for _, p := range ps {
		if strings.EqualFold(value(p, "Enabled"), "no") {
			continue
		}
		s := Source{Types: p.words("Types"), URIs: p.words("URIs"), Suites: p.words("Suites"),
			Components: p.words("Components"), SignedBy: strings.TrimSpace(value(p, "Signed-By")), Line: p.line}
		if len(s.Types) == 0 || len(s.URIs) == 0 || len(s.Suites) == 0 {
			return nil, fmt.Errorf("line %d: an entry needs Types, URIs and Suites", p.line)
		}
		out = append(out, s)
	}
	return out, nil
}

// parseOneLineSources parses a sources.list: "type [options] uri suite
// [component...]", '#' starting a comment.
func parseOneLineSources(data string) ([]Source, error) {
	var out []Source
	for i, line := range strings.Split(data, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		s, err := parseOneLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		s.Line = i + 1
		out = append(out, s)
	}
	return out, nil
}

// parseOneLine parses one non-comment line.
func parseOneLine(line string) (Source, error) {
	typ, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	var opts map[string]string
	if strings.HasPrefix(rest, "[") {
		inner, after, ok := strings.Cut(rest[1:], "]")
		if !ok {
			return Source{}, errors.New("unterminated [options]")
		}
		opts, rest = parseOptions(inner), after
	}
	f := strings.Fields(rest)
	if typ == "" || len(f) < 2 {
		return Source{}, fmt.Errorf("want \"type [options] uri suite [component...]\", got %q", strings.TrimSpace(line))
	}
	s := Source{Types: []string{typ}, URIs: f[:1], Suites: f[1:2], SignedBy: opts["signed-by"]}
	if len(f) > 2 {
		s.Components = f[2:]
	}
	return s, nil
}

// parseOptions parses the "key=value" words of a [options] block.
func parseOptions(s string) map[string]string {
	opts := make(map[string]string)
	for _, w := range strings.Fields(s) {
		k, v, _ := strings.Cut(w, "=")
		opts[strings.ToLower(k)] = v
	}
	return opts
}

// MirrorFor returns the URI of the first deb source listing suite or,
// failing that, of the first one with a suite without '-' (the main
// archive rather than -updates or -security), without a trailing "/".
func MirrorFor(sources []Source, suite string) (string, bool) {
	if uri, ok := firstURI(sources, func(s string) bool { return s == suite }); ok {
		return uri, true
	}
	return firstURI(sources, func(s string) bool { return !strings.Contains(s, "-") })
}

// firstURI returns the first URI of the first deb source with a suite
// that match accepts.
func firstURI(sources []Source, match func(suite string) bool) (string, bool) {
	for _, s := range sources {
		if !hasWord(s.Types, "deb") || len(s.URIs) == 0 {
			continue
		}
		for _, su := range s.Suites {
			if match(su) {
				return strings.TrimSuffix(s.URIs[0], "/"), true
			}
		}
	}
	return "", false
}
