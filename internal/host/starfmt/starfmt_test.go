package starfmt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBundled: every .star file cairn ships (the @cairn// library and the
// examples) is formatted and has no lint finding: what `cairn fmt --check`
// and `cairn lint` say in CI.
func TestBundled(t *testing.T) {
	n := 0
	for _, root := range []string{"../../../recipes", "../../../examples"} {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".star") {
				return err
			}
			n++
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if ok, err := Formatted(p, data); !ok {
				t.Errorf("%s is not formatted (%v): run cairn fmt %s", p, err, p)
			}
			findings, err := Lint(p, data)
			if err != nil {
				t.Error(err)
			}
			for _, f := range findings {
				t.Errorf("%s:%s", p, f)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 10 {
		t.Errorf("found %d .star files, want the library's and the examples'", n)
	}
}

func TestFormat(t *testing.T) {
	in := "x = files({'a': 'b'},mode=0o644)\n"
	out, err := Format("t.star", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := "x = files({\"a\": \"b\"}, mode = 0o644)\n"; string(out) != want {
		t.Errorf("Format(%q) = %q, want %q", in, out, want)
	}
	if _, err := Format("bad.star", []byte("x = (\n")); err == nil || !strings.Contains(err.Error(), "bad.star:") {
		t.Errorf("a syntax error: %v, want one naming the file", err)
	}
}

func TestLint(t *testing.T) {
	src := `load("@cairn//text.star", "text_file")

def f():
    unused = 1
    return 3 / 2
`
	findings, err := Lint("t.star", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range findings {
		got[f.Category] = f.Line
	}
	for cat, line := range map[string]int{"load": 1, "unused-variable": 4, "integer-division": 5} {
		if got[cat] != line {
			t.Errorf("finding %s at line %d, want line %d (all: %v)", cat, got[cat], line, findings)
		}
	}
	if _, err := Lint("t.star", []byte("x = 1  # buildifier: disable=unused-variable\n")); err != nil {
		t.Error(err)
	}
}
