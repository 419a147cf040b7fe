package debunpack

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// tinyDeb builds a package with dpkg-deb holding usr/bin/hello and
// bin/tool.
func tinyDeb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb not found")
	}
	tree := t.TempDir()
	testutil.Must(t, os.MkdirAll(filepath.Join(tree, "DEBIAN"), 0o755))
	testutil.Must(t, os.MkdirAll(filepath.Join(tree, "bin"), 0o755))
	control := "Package: tiny\nVersion: 1\nArchitecture: all\nMaintainer: N <n@example.org>\nDescription: tiny\n"
	testutil.Must(t, os.WriteFile(filepath.Join(tree, "DEBIAN", "control"), []byte(control), 0o644))
	testutil.Must(t, os.WriteFile(filepath.Join(tree, "bin", "tool"), []byte("tool\n"), 0o755))
	deb := filepath.Join(t.TempDir(), "tiny.deb")
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", tree, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
	return deb
}

func TestRun(t *testing.T) {
	testutil.NeedRoot(t)
	deb := tinyDeb(t)
	out := filepath.Join(t.TempDir(), "layer")
	testutil.Must(t, Run(request.DebUnpack{Epoch: 77, MergedUsr: true, Arch: "arm64", Packages: []request.Deb{{File: deb, Out: out}}}))
	for _, rel := range []string{"usr/bin/tool", "var/lib/dpkg/info/tiny.list", "var/lib/dpkg/cairn-status/tiny"} {
		fi, err := os.Lstat(filepath.Join(out, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		} else if strings.HasPrefix(rel, "var") && fi.ModTime().Unix() != 77 {
			t.Errorf("%s: mtime %v, want 77", rel, fi.ModTime().Unix())
		}
	}
	if _, err := os.Lstat(filepath.Join(out, "bin")); err == nil {
		t.Error("merged_usr left bin/")
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	notDeb := filepath.Join(dir, "not.deb")
	testutil.Must(t, os.WriteFile(notDeb, []byte("hello"), 0o644))
	err := Run(request.DebUnpack{Packages: []request.Deb{
		{File: filepath.Join(dir, "missing.deb"), Out: filepath.Join(dir, "a")},
		{File: notDeb, Out: filepath.Join(dir, "b")},
	}})
	if err == nil || !strings.Contains(err.Error(), "missing.deb") || !strings.Contains(err.Error(), "not.deb") {
		t.Errorf("got %v, want an error naming both packages", err)
	}
}
