package lang

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"go.starlark.net/starlark"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// TestGolden evaluates each testdata/*.txtar project and compares the
// outcome with its "want" section. Files named "@cairn/..." form the
// library, "@NAME/..." a declared library NAME; the others the project, displayed as "examples/x". The main
// file is cairn.star. "want" holds the error text, or "ok: NAME = VALUE"
// lines for the globals of a successful evaluation.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			runGolden(t, p)
		})
	}
}

func runGolden(t *testing.T, p string) {
	ar, err := txtar.ParseFile(p)
	if err != nil {
		t.Fatal(err)
	}
	project, library, repos := fstest.MapFS{}, fstest.MapFS{}, map[string]fstest.MapFS{}
	want := -1
	for i, f := range ar.Files {
		repo, rest, _ := strings.Cut(f.Name, "/")
		switch {
		case f.Name == "want":
			want = i
		case repo == "@cairn":
			library[rest] = &fstest.MapFile{Data: f.Data}
		case strings.HasPrefix(repo, "@"):
			if repos[repo[1:]] == nil {
				repos[repo[1:]] = fstest.MapFS{}
			}
			repos[repo[1:]][rest] = &fstest.MapFile{Data: f.Data}
		default:
			project[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	open := func(name string) (fs.FS, error) {
		if r, ok := repos[name]; ok {
			return r, nil
		}
		return nil, fmt.Errorf("no library %q is declared", name)
	}
	ev := New(Options{Project: project, Display: "examples/x", Library: library, Repos: open, Predeclared: testBuiltins()})
	got := outcome(ev.Load("cairn.star"))
	if *update {
		updateGolden(t, p, ar, want, got)
		return
	}
	if want < 0 {
		t.Fatalf("%s has no want section", p)
	}
	if w := string(ar.Files[want].Data); got != w {
		t.Errorf("got:\n%s\nwant:\n%s", got, w)
	}
}

// outcome renders the result of a Load for comparison.
func outcome(globals starlark.StringDict, err error) string {
	if err != nil {
		return err.Error() + "\n"
	}
	var b strings.Builder
	for _, k := range globals.Keys() {
		b.WriteString("ok: " + k + " = " + globals[k].String() + "\n")
	}
	return b.String()
}

func updateGolden(t *testing.T, p string, ar *txtar.Archive, want int, got string) {
	if want < 0 {
		ar.Files = append(ar.Files, txtar.File{Name: "want"})
		want = len(ar.Files) - 1
	}
	ar.Files[want].Data = []byte(got)
	if err := os.WriteFile(p, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// testBuiltins stands in for cairn's builtins: rule(name, srcs=[])
// unpacks its arguments the way stdlib's builtins do.
func testBuiltins() starlark.StringDict {
	rule := func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var name string
		var srcs *starlark.List
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name, "srcs?", &srcs); err != nil {
			return nil, err
		}
		return starlark.String("rule:" + name), nil
	}
	return starlark.StringDict{"rule": starlark.NewBuiltin("rule", rule)}
}
