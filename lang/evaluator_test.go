package lang

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"go.starlark.net/starlark"
)

// project builds a MapFS from name/content pairs.
func project(files ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(files); i += 2 {
		m[files[i]] = &fstest.MapFile{Data: []byte(files[i+1])}
	}
	return m
}

// counter is a builtin tick() counting its calls per thread name.
type counter struct{ calls map[string]int }

func (c *counter) builtins() starlark.StringDict {
	tick := func(t *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		c.calls[t.Name]++
		return starlark.None, nil
	}
	return starlark.StringDict{"tick": starlark.NewBuiltin("tick", tick)}
}

func TestDiamondEvaluatedOnce(t *testing.T) {
	c := &counter{calls: map[string]int{}}
	var printed []string
	threads := 0
	ev := New(Options{
		Project: project(
			"cairn.star", `load("a.star", "a")`+"\n"+`load("b.star", "b")`+"\n"+`sum = a + b`,
			"a.star", `load("lib/c.star", "c")`+"\n"+`a = c`,
			"b.star", `load("//lib/c.star", "c")`+"\n"+`b = c`,
			"lib/c.star", "tick()\nprint('c evaluated')\nc = 21",
		),
		Predeclared: c.builtins(),
		SetupThread: func(*starlark.Thread) { threads++ },
		Print:       func(t *starlark.Thread, msg string) { printed = append(printed, t.Name+": "+msg) },
	})
	globals, err := ev.Load("cairn.star")
	if err != nil {
		t.Fatal(err)
	}
	if got := globals["sum"]; got != starlark.MakeInt(42) {
		t.Errorf("sum = %v, want 42", got)
	}
	if got := c.calls["exec lib/c.star"]; got != 1 {
		t.Errorf("lib/c.star evaluated %d times, want 1", got)
	}
	if threads != 4 {
		t.Errorf("SetupThread called %d times, want 4 (one per module)", threads)
	}
	if want := []string{"exec lib/c.star: c evaluated"}; strings.Join(printed, "|") != strings.Join(want, "|") {
		t.Errorf("printed %q, want %q", printed, want)
	}
}

func TestLoadSharesModulesAcrossCalls(t *testing.T) {
	ev := New(Options{Project: project(
		"cairn.star", `load("lib.star", "xs")`+"\nys = xs",
		"lib.star", "xs = [1]",
	)})
	main, err := ev.Load("cairn.star")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := ev.Load("lib.star")
	if err != nil {
		t.Fatal(err)
	}
	if main["ys"] != lib["xs"] {
		t.Error("lib.star was evaluated again instead of shared")
	}
	if err := lib["xs"].(*starlark.List).Append(starlark.None); err == nil {
		t.Error("a loaded module's list is not frozen")
	}
}

func TestSource(t *testing.T) {
	ev := New(Options{
		Project: project("cairn.star", `load("@cairn//pi.star", "pi")`+"\n", "broken.star", "x = = 1\n"),
		Library: project("pi.star", "pi = 3\n"),
		Display: "examples/x/",
	})
	if _, err := ev.Load("cairn.star"); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Load("broken.star"); err == nil {
		t.Fatal("broken.star loaded")
	}
	for name, want := range map[string]string{
		"examples/x/cairn.star":  `load("@cairn//pi.star", "pi")` + "\n",
		"@cairn//pi.star":        "pi = 3\n",
		"examples/x/broken.star": "x = = 1\n",
	} {
		if got, ok := ev.Source(name); !ok || string(got) != want {
			t.Errorf("Source(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := ev.Source("cairn.star"); ok {
		t.Error("Source found a file by its project path instead of its display name")
	}
}

func TestErrorsAs(t *testing.T) {
	ev := New(Options{Project: project(
		"cairn.star", "load('lib.star', 'f')\nf()",
		"lib.star", "def f():\n    fail('boom')",
	)})
	_, err := ev.Load("cairn.star")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("errors.As(ErrorList) failed on %v", err)
	}
	var first *Error
	if !errors.As(err, &first) || first.Pos.String() != "lib.star:2:5" || first.Msg != "fail: boom" {
		t.Errorf("first error = %#v", first)
	}
	var ee *starlark.EvalError
	if !errors.As(err, &ee) {
		t.Error("the *starlark.EvalError is not reachable")
	}
	_, err = ev.Load("missing.star")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v is not fs.ErrNotExist", err)
	}
}

func TestTopLevelErrors(t *testing.T) {
	ev := New(Options{Project: project("cairn.star", "x = 1"), Display: "examples/x"})
	for path, want := range map[string]string{
		"cairn.sta":     `file not found (examples/x/cairn.sta); did you mean "cairn.star"?`,
		"../cairn.star": `load "../cairn.star": escapes the project directory examples/x;`,
		"/etc/x.star":   `load "/etc/x.star": absolute paths are not allowed`,
		"@cairn//x":     `load "@cairn//x": no bundled @cairn library is available`,
		".":             `load ".": not a file path`,
	} {
		_, err := ev.Load(path)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Load(%q) = %v, want prefix %q", path, err, want)
		}
	}
}

func TestNoDisplay(t *testing.T) {
	ev := New(Options{Project: project("cairn.star", "x = y")})
	_, err := ev.Load("cairn.star")
	if want := "cairn.star:1:5: undefined: y"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestSharedFailureReportedOnce(t *testing.T) {
	ev := New(Options{Project: project(
		"cairn.star", "load('a.star', 'a')\nload('b.star', 'b')",
		"a.star", "load('c.star', 'c')\na = c",
		"b.star", "load('c.star', 'c')\nb = c",
		"c.star", "c = 1 // 0",
	)})
	_, err := ev.Load("cairn.star")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("got %v, want one error", err)
	}
	want := "c.star:1:7: floored division by zero\n" +
		"  loaded by a.star:1:1: load(\"c.star\")\n" +
		"  loaded by cairn.star:1:1: load(\"a.star\")"
	if err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	_, err = ev.Load("b.star")
	if err == nil || !strings.Contains(err.Error(), "loaded by b.star:1:1") {
		t.Errorf("cached failure of c.star reached through b.star: %v", err)
	}
}

func TestOSDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("proj/cairn.star", "load('lib/x.star', 'x')\nload('//lib', 'y')")
	write("proj/lib/x.star", "load('../../outside.star', 'o')\nx = o")
	write("outside.star", "o = 1")
	root, err := os.OpenRoot(filepath.Join(dir, "proj"))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, err = New(Options{Project: root.FS(), Display: "proj"}).Load("cairn.star")
	want := `proj/lib/x.star:1:1: load "../../outside.star": escapes the project directory proj;`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want prefix %q", err, want)
	}
	if !strings.Contains(err.Error(), `proj/cairn.star:2:1: load "//lib": proj/lib is a directory`) {
		t.Errorf("loading a directory: %v", err)
	}
}

func TestConcurrentLoads(t *testing.T) {
	ev := New(Options{Project: project(
		"cairn.star", "load('lib.star', 'x')\ny = x",
		"lib.star", "x = [1]",
	)})
	var wg sync.WaitGroup
	results := make([]starlark.Value, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if g, err := ev.Load("cairn.star"); err == nil {
				results[i] = g["y"]
			}
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r == nil || r != results[0] {
			t.Fatalf("concurrent loads disagree: %v", results)
		}
	}
}
