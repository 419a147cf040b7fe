package stdlib_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
)

// fakeLibraries serves libraries from memory and records what was asked.
type fakeLibraries struct {
	trees map[string]fstest.MapFS // by URL, url or path
	asked []string
}

func (f *fakeLibraries) serve(key string) (fs.FS, error) {
	f.asked = append(f.asked, key)
	if t, ok := f.trees[key]; ok {
		return t, nil
	}
	return nil, errors.New("unreachable: " + key)
}

func (f *fakeLibraries) GitLibrary(_ context.Context, req gitsrc.Request) (fs.FS, error) {
	return f.serve("git " + req.URL + " " + req.Ref + " verify=" + boolStr(req.Verify != nil))
}
func (f *fakeLibraries) HTTPLibrary(_ context.Context, url, sum string) (fs.FS, error) {
	return f.serve("http " + url + " " + sum)
}
func (f *fakeLibraries) LocalLibrary(dir string) (fs.FS, error) { return f.serve("path " + dir) }

func boolStr(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

const board = `
load("//lib/common.star", "NAME")
load("@cairn//boards/pc_x86_64.star", "pc_x86_64")
def acme_image():
    return scratch() if NAME else None
`

func TestLibraries(t *testing.T) {
	keys, err := os.ReadFile("testdata/scripts/project/keys/maintainers.asc")
	if err != nil {
		t.Fatal(err)
	}
	sum := "sha256:" + strings.Repeat("ab", 32)
	libs := &fakeLibraries{trees: map[string]fstest.MapFS{
		"git https://git.example.org/acme.git v1.2 verify=yes": {
			"boards/acme.star": {Data: []byte(board)},
			"lib/common.star":  {Data: []byte(`NAME = "acme"` + "\n")},
		},
		"http https://example.org/tools.tar.gz " + sum: {
			"tools-1.0/t.star": {Data: []byte(`T = "tools"` + "\n")},
		},
	}}
	project := fstest.MapFS{
		"keys/acme.asc": {Data: keys},
		"libraries.star": {Data: []byte(`
library(name = "acme", git = git("https://git.example.org/acme.git", ref = "v1.2", verify = keyring("keys/acme.asc")))
library(name = "tools", http = http("https://example.org/tools.tar.gz", sha256 = "` + sum + `"), subdir = "tools-1.0")
library(name = "unused", path = "../unused")
`)},
		"cairn.star": {Data: []byte(`
load("@acme//boards/acme.star", "acme_image")
load("@tools//t.star", "T")
target("img", acme_image())
`)},
	}
	r, err := stdlib.Evaluate(stdlib.Options{Project: project, Library: recipes.FS, Libraries: libs})
	if err != nil {
		t.Fatal(err)
	}
	if r.Target("img") == nil {
		t.Error("no target img")
	}
	if len(libs.asked) != 2 {
		t.Errorf("fetched %q, want the two loaded libraries only, each once", libs.asked)
	}
}

func TestLibraryErrors(t *testing.T) {
	for _, tc := range []struct{ name, libs, recipe, want string }{
		{"none declared", "", `load("@acme//x.star", "x")`,
			`cairn.star:1:1: load "@acme//x.star": library @acme: no library "acme" is declared: declare it in libraries.star, e.g. library(name = "acme"`},
		{"misspelt", `library(name = "acme", path = "a")`, `load("@acmee//x.star", "x")`,
			`no library "acmee" is declared in libraries.star (it declares acme); did you mean @acme?`},
		{"two sources", `library(name = "acme", path = "a", http = http("https://e.org/a.tar", "ab" * 32))`, `load("@acme//x.star", "x")`,
			"libraries.star:1:1: library: give exactly one of git, http and path (got 2)"},
		{"twice", "library(name = \"acme\", path = \"a\")\nlibrary(name = \"acme\", path = \"b\")", `load("@acme//x.star", "x")`,
			`libraries.star:2:1: library: "acme" is already declared at libraries.star:1:1`},
		{"bad name", `library(name = "Acme", path = "a")`, `load("@Acme//x.star", "x")`,
			`library: for parameter name: got "Acme", want lower-case letters, digits and _, starting with a letter`},
		{"cairn", `library(name = "cairn", path = "a")`, `load("@x//x.star", "x")`,
			`library: for parameter name: got "cairn", want another name: @cairn is the bundled library`},
		{"fetch fails", `library(name = "acme", path = "gone")`, `load("@acme//x.star", "x")`,
			`cairn.star:1:1: load "@acme//x.star": library @acme: declared at libraries.star:1:1: unreachable: path gone`},
		{"subdir", `library(name = "acme", path = "a", subdir = "nope")`, `load("@acme//x.star", "x")`,
			`subdir "nope" is not a directory of the library`},
		{"missing file", `library(name = "acme", path = "a")`, `load("@acme//y.star", "x")`,
			`load "@acme//y.star": file not found (@acme//y.star)`},
		{"in the recipe", ``, `library(name = "acme", path = "a")`,
			"cairn.star:1:1: library: declares a library only in libraries.star"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			project := fstest.MapFS{"cairn.star": {Data: []byte(tc.recipe + "\n")}}
			if tc.libs != "" {
				project["libraries.star"] = &fstest.MapFile{Data: []byte(tc.libs + "\n")}
			}
			libs := &fakeLibraries{trees: map[string]fstest.MapFS{"path a": {"x.star": {Data: []byte("x = 1\n")}}}}
			_, err := stdlib.Evaluate(stdlib.Options{Project: project, Library: recipes.FS, Libraries: libs})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant it to contain %s", err, tc.want)
			}
		})
	}
}
