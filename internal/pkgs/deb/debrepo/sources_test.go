package debrepo

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// writeTree writes files (path -> content) under a new temporary root.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for path, content := range files {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const (
	listFile = `# the main archive
deb http://mirror.example/debian bookworm main contrib # trailing comment
deb-src http://mirror.example/debian bookworm main
  deb [ arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg trusted=yes ] http://mirror.example/x/ stable main
deb [signed-by=/k.gpg] http://mirror.example/flat ./
`
	sourcesFile = `# a comment
Types: deb deb-src
URIs: http://mirror.example/debian http://mirror.example/debian2
Suites: bookworm bookworm-updates
Components: main
# a comment inside a paragraph
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Enabled: no

types: deb-src
URIs: http://mirror.example/src
Suites: bookworm

Types: deb
URIs: http://mirror.example/inline
Suites: sid
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 AAAA
 -----END PGP PUBLIC KEY BLOCK-----
`
)

func TestReadHostSources(t *testing.T) {
	root := writeTree(t, map[string]string{
		"etc/apt/sources.list":               listFile,
		"etc/apt/sources.list.d/b.sources":   sourcesFile,
		"etc/apt/sources.list.d/a.list":      "deb http://mirror.example/a a-suite main\n",
		"etc/apt/sources.list.d/c.list.save": "deb http://mirror.example/ignored x main\n",
		"etc/apt/sources.list.d/d.disabled":  "deb http://mirror.example/ignored x main\n",
	})
	got, err := ReadHostSources(root)
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(root, "etc/apt/sources.list.d")
	list := filepath.Join(root, "etc/apt/sources.list")
	want := []Source{
		{Types: []string{"deb"}, URIs: []string{"http://mirror.example/debian"}, Suites: []string{"bookworm"}, Components: []string{"main", "contrib"}, File: list, Line: 2},
		{Types: []string{"deb"}, URIs: []string{"http://mirror.example/x/"}, Suites: []string{"stable"}, Components: []string{"main"}, SignedBy: "/usr/share/keyrings/x.gpg", File: list, Line: 4},
		{Types: []string{"deb"}, URIs: []string{"http://mirror.example/flat"}, Suites: []string{"./"}, SignedBy: "/k.gpg", File: list, Line: 5},
		{Types: []string{"deb"}, URIs: []string{"http://mirror.example/a"}, Suites: []string{"a-suite"}, Components: []string{"main"}, File: filepath.Join(d, "a.list"), Line: 1},
		{Types: []string{"deb", "deb-src"}, URIs: []string{"http://mirror.example/debian", "http://mirror.example/debian2"}, Suites: []string{"bookworm", "bookworm-updates"}, Components: []string{"main"}, SignedBy: "/usr/share/keyrings/debian-archive-keyring.gpg", File: filepath.Join(d, "b.sources"), Line: 2},
		{Types: []string{"deb"}, URIs: []string{"http://mirror.example/inline"}, Suites: []string{"sid"}, SignedBy: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----", File: filepath.Join(d, "b.sources"), Line: 19},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", dump(got), dump(want))
	}
}

func dump(srcs []Source) string {
	var b strings.Builder
	for _, s := range srcs {
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(fmtSource(s)), "\n", "\\n") + "\n")
	}
	return b.String()
}

func fmtSource(s Source) string {
	return strings.Join([]string{strings.Join(s.Types, ","), strings.Join(s.URIs, ","), strings.Join(s.Suites, ","),
		strings.Join(s.Components, ","), s.SignedBy, filepath.Base(s.File), strconv.Itoa(s.Line)}, " | ")
}

func TestReadHostSourcesErrors(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"short line":      {"etc/apt/sources.list": "deb http://mirror.example/debian\n"},
		"open bracket":    {"etc/apt/sources.list": "deb [arch=amd64 http://mirror.example/debian bookworm main\n"},
		"no suites":       {"etc/apt/sources.list.d/x.sources": "Types: deb\nURIs: http://mirror.example/debian\n"},
		"bad field":       {"etc/apt/sources.list.d/x.sources": "Types deb\n"},
		"duplicate field": {"etc/apt/sources.list.d/x.sources": "Types: deb\nTypes: deb\n"},
	} {
		if _, err := ReadHostSources(writeTree(t, files)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if got, err := ReadHostSources(t.TempDir()); err != nil || len(got) != 0 {
		t.Errorf("empty root: %v, %v", got, err)
	}
}

func TestMirrorFor(t *testing.T) {
	src := func(typ, uri string, suites ...string) Source {
		return Source{Types: []string{typ}, URIs: []string{uri}, Suites: suites}
	}
	sources := []Source{
		src("deb-src", "http://mirror.example/src/", "bookworm"),
		src("deb", "http://mirror.example/security/", "bookworm-security"),
		src("deb", "http://mirror.example/debian/", "bookworm", "bookworm-updates"),
		src("deb", "http://mirror.example/other", "sid"),
	}
	for _, tc := range []struct {
		suite, want string
		ok          bool
	}{
		{"bookworm", "http://mirror.example/debian", true},
		{"bookworm-updates", "http://mirror.example/debian", true},
		{"bookworm-security", "http://mirror.example/security", true},
		{"sid", "http://mirror.example/other", true},
		{"trixie", "http://mirror.example/debian", true}, // fallback: the main archive
	} {
		got, ok := MirrorFor(sources, tc.suite)
		if got != tc.want || ok != tc.ok {
			t.Errorf("MirrorFor(%q) = %q, %v; want %q, %v", tc.suite, got, ok, tc.want, tc.ok)
		}
	}
	if got, ok := MirrorFor(sources[:2], "trixie"); ok {
		t.Errorf("no main archive: got %q", got)
	}
}
