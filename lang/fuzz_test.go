package lang

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"testing/fstest"

	"go.starlark.net/starlark"
	"golang.org/x/tools/txtar"
)

// FuzzLoad evaluates arbitrary text as cairn.star, next to a small library.
// Evaluation must never panic, must fail only with a non-empty ErrorList
// whose syntax and resolve errors lie inside the file, and must keep the
// source for Source.
func FuzzLoad(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		ev := New(Options{
			Project: fstest.MapFS{
				"cairn.star":    {Data: []byte(src)},
				"lib/util.star": {Data: []byte("def add(a, b):\n    return a + b\nxs = [1, 2]\n")},
			},
			Display:     "examples/fuzz",
			Library:     fstest.MapFS{"pi.star": {Data: []byte("board = 'pi'\n")}},
			Predeclared: testBuiltins(),
			// Bound the work: for loops over huge ranges are legal Starlark.
			SetupThread: func(th *starlark.Thread) { th.SetMaxExecutionSteps(10000) },
		})
		_, err := ev.Load("cairn.star")
		if got, ok := ev.Source("examples/fuzz/cairn.star"); !ok || !bytes.Equal(got, []byte(src)) {
			t.Fatalf("Source lost the file")
		}
		if err == nil {
			return
		}
		checkFuzzError(t, err, src)
	})
}

func checkFuzzError(t *testing.T, err error, src string) {
	var list ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error is not a non-empty ErrorList: %v", err)
	}
	lines := int32(len(splitLines([]byte(src))) + 1)
	for _, e := range list {
		if e.Msg == "" {
			t.Fatalf("empty message in %v", err)
		}
		if e.Pos.Filename() == "examples/fuzz/cairn.star" && (e.Pos.Line < 1 || e.Pos.Line > lines+1) {
			t.Fatalf("position %s outside the file of %d lines", e.Pos, lines)
		}
	}
}

// fuzzSeeds returns the cairn.star files of the golden tests.
func fuzzSeeds(f *testing.F) []string {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		f.Fatal(err)
	}
	seeds := []string{"", "x = 1\n", "load('lib/util.star', 'add')\ny = add(1, 2)\n"}
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if file.Name == "cairn.star" {
				seeds = append(seeds, string(file.Data))
			}
		}
	}
	return seeds
}
