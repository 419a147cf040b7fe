package main

// The up-to-date skip: a target whose graph, project files and output are
// as the last build recorded is not solved again, also when it reads
// project files (their stat data is part of its key); anything changed on
// either side, even behind the stat data's back, makes it build.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUpToDateSkip(t *testing.T) {
	c := shared(t)
	proj := t.TempDir()
	if err := os.Mkdir(filepath.Join(proj, "tree"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(proj, "cairn.star"), `target("t", merge([local("tree"), files({"note": "fixed\n"})]))`+"\n")
	writeFile(t, filepath.Join(proj, "tree", "a"), "alpha\n")
	writeFile(t, filepath.Join(proj, "tree", "b"), "beta\n")
	recipe, out := filepath.Join(proj, "cairn.star"), filepath.Join(t.TempDir(), "out")
	build := func(extra ...string) string {
		t.Helper()
		return c.ok(t, append([]string{"build", "-f", recipe, "-o", out, "--progress", "plain", "t"}, extra...)...).stderr
	}
	skipped := func(stderr string) bool { return strings.Contains(stderr, ", up to date)") }

	build()
	if s := build(); !skipped(s) {
		t.Errorf("a no-op rebuild of a target reading project files was solved again:\n%s", s)
	}
	if s := build("--verify"); !skipped(s) {
		t.Errorf("--verify re-read an unchanged output and did not find it up to date:\n%s", s)
	}

	// A project file rewritten: built again, with its new content.
	writeFile(t, filepath.Join(proj, "tree", "a"), "ALPHA\n")
	if s := build(); skipped(s) {
		t.Errorf("a changed project file was not built:\n%s", s)
	}
	if got := readFile(t, filepath.Join(out, "t", "a")); got != "ALPHA\n" {
		t.Errorf("output a = %q after the project file changed", got)
	}

	// An output file changed behind the record's back, keeping its size
	// and mtime: its ctime tells, and the build puts it back.
	p := filepath.Join(out, "t", "b")
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	writeFile(t, p, "BETA\n")
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if s := build(); skipped(s) {
		t.Errorf("a changed output file was trusted:\n%s", s)
	}
	if got := readFile(t, p); got != "beta\n" {
		t.Errorf("output b = %q, want it rebuilt as beta", got)
	}
	if s := build(); !skipped(s) {
		t.Errorf("the rebuilt output is not up to date on the next build:\n%s", s)
	}
}
