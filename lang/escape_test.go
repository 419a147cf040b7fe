package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadThroughEscapingLink: a load reached through a symbolic link out
// of the project names the link, not a missing file.
func TestLoadThroughEscapingLink(t *testing.T) {
	outside, proj := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "x.star"), []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(proj, outside)
	if err := os.Symlink(rel, filepath.Join(proj, "lib")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "cairn.star"), []byte(`load("lib/x.star", "x")`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(proj)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, err = New(Options{Project: root.FS()}).Load("cairn.star")
	want := `cairn.star:1:1: load "lib/x.star": lib/x.star is reached through lib, a symbolic link that points outside the project (to ` + rel + `)`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v\nwant prefix %s", err, want)
	}
}
