package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// hostMirror returns the URI of the host's apt source that carries the
// test suite's main component, read from the deb822 .sources files, then
// the one-line sources.list.
func hostMirror() (string, error) {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if uri := mirrorFromDeb822(string(data)); uri != "" {
			return uri, nil
		}
	}
	for _, f := range []string{"/etc/apt/sources.list"} {
		if data, err := os.ReadFile(f); err == nil {
			if uri := mirrorFromOneLine(string(data)); uri != "" {
				return uri, nil
			}
		}
	}
	return "", fmt.Errorf("no apt source for %s %s in /etc/apt", suite, component)
}

// mirrorFromDeb822 finds a "Types: deb" paragraph listing the suite and
// component and returns its first URI.
func mirrorFromDeb822(text string) string {
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n\n") {
		fields := map[string][]string{}
		for _, line := range strings.Split(para, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, " ") {
				fields[strings.ToLower(k)] = strings.Fields(v)
			}
		}
		if has(fields["types"], "deb") && has(fields["suites"], suite) &&
			has(fields["components"], component) && len(fields["uris"]) > 0 &&
			!has(fields["enabled"], "no") {
			return strings.TrimSuffix(fields["uris"][0], "/")
		}
	}
	return ""
}

// mirrorFromOneLine reads "deb [options] URI suite components..." lines.
func mirrorFromOneLine(text string) string {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "deb" {
			continue
		}
		f = f[1:]
		if len(f) > 0 && strings.HasPrefix(f[0], "[") {
			for len(f) > 0 && !strings.HasSuffix(f[0], "]") {
				f = f[1:]
			}
			f = f[1:]
		}
		if len(f) >= 3 && f[1] == suite && has(f[2:], component) {
			return strings.TrimSuffix(f[0], "/")
		}
	}
	return ""
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestMirrorFromSources(t *testing.T) {
	deb822 := "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main\n\n" +
		"# comment\nTypes: deb deb-src\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main contrib\n"
	if got := mirrorFromDeb822(deb822); got != "http://mirror.example/debian" {
		t.Errorf("deb822: got %q", got)
	}
	oneLine := "# deb http://old.example/debian bookworm main\n" +
		"deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main non-free\n"
	if got := mirrorFromOneLine(oneLine); got != "http://mirror.example/debian" {
		t.Errorf("one-line: got %q", got)
	}
	if got := mirrorFromOneLine("deb http://mirror.example/debian bookworm-updates main\n"); got != "" {
		t.Errorf("other suite: got %q", got)
	}
}
