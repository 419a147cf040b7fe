package main

// Named contexts: `cairn build --context NAME=DIR` serves DIR to the
// recipe's context("NAME"), beside the project directory, on a real engine.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const contextRecipe = `target("t", merge([context("extra"), local("a")]))
`

func TestNamedContext(t *testing.T) {
	c := shared(t)
	proj := t.TempDir()
	ctxWriteFiles(t, proj, map[string]string{"cairn.star": contextRecipe, "a/from-project": "p\n"})
	extra := t.TempDir()
	ctxWriteFiles(t, extra, map[string]string{"from-context": "one\n", "sub/deep": "d\n"})
	recipe := filepath.Join(proj, "cairn.star")
	out := filepath.Join(t.TempDir(), "out")

	c.ok(t, "build", "-f", recipe, "-o", out, "--context", "extra="+extra, "t")
	ctxCheckFiles(t, filepath.Join(out, "t"), map[string]string{"from-project": "p\n", "from-context": "one\n", "sub/deep": "d\n"})

	// The graph does not pin the context's content: a change is rebuilt.
	ctxWriteFiles(t, extra, map[string]string{"from-context": "two\n"})
	c.ok(t, "build", "-f", recipe, "-o", out, "--context", "extra="+extra, "t")
	ctxCheckFiles(t, filepath.Join(out, "t"), map[string]string{"from-context": "two\n"})

	r := c.run(t, "build", "-f", recipe, "-o", out, "t")
	if r.code != 1 || !strings.Contains(r.stderr, `cairn.star:1:20: context: no context "extra" was given; pass --context extra=DIR`) {
		t.Errorf("build without --context: want exit 1 naming the context() line\n%s", r)
	}
}

func ctxWriteFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func ctxCheckFiles(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != data {
			t.Errorf("%s: got %q (%v), want %q", name, got, err, data)
		}
	}
}
