package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

// visitAll lists what Visit reports: names, and the host paths that
// differ from the name's place below root.
func visitAll(t *testing.T, root string, links Links) ([]string, error) {
	t.Helper()
	var got []string
	err := Visit(root, links, func(name, host string, fi fs.FileInfo) error {
		entry := name
		if want := filepath.Join(root, name); host != want && name != "" {
			rel, _ := filepath.Rel(root, host)
			entry += "=" + filepath.ToSlash(rel)
		}
		if fi.IsDir() {
			entry += "/"
		}
		got = append(got, entry)
		return nil
	})
	return got, err
}

func TestVisitOrderKeepsLinks(t *testing.T) {
	root := build(t, portableTree(), buildOpts{reverse: true})
	got, err := visitAll(t, root, KeepLinks)
	testutil.Must(t, err)
	if got[0] != "/" || !slices.IsSortedFunc(got[1:], func(a, b string) int { return ComparePaths(strings.TrimSuffix(a, "/"), strings.TrimSuffix(b, "/")) }) {
		t.Errorf("order %q: want the root, then sorted paths", got)
	}
	if !slices.Contains(got, "init") || !slices.Contains(got, "etc/localtime") {
		t.Errorf("links not reported as links: %q", got)
	}
}

func TestVisitFollowLinks(t *testing.T) {
	root := build(t, []item{
		{path: "usr/bin/sh", kind: 'f', perm: 0o755, data: "sh"},
		{path: "bin", kind: 'l', data: "usr/bin"},
		{path: "etc/shell", kind: 'l', data: "/bin/sh"},
		{path: "etc/chain", kind: 'l', data: "shell"},
	}, buildOpts{})
	got, err := visitAll(t, root, FollowLinks)
	testutil.Must(t, err)
	want := []string{"/", "bin=usr/bin/", "bin/sh=usr/bin/sh", "etc/", "etc/chain=usr/bin/sh", "etc/shell=usr/bin/sh", "usr/", "usr/bin/", "usr/bin/sh"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestVisitLinkErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		target string
		want   error
	}{
		"outside":  {"../../etc/passwd", ErrLinkOutside},
		"dangling": {"missing", ErrDanglingLink},
		"loop":     {"x", ErrLinkLoop},
		"dir loop": {"..", ErrDirLoop},
	} {
		root := t.TempDir()
		testutil.Must(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
		testutil.Must(t, os.Symlink(tc.target, filepath.Join(root, "sub", "x")))
		_, err := visitAll(t, root, FollowLinks)
		var le *LinkError
		if !errors.Is(err, tc.want) || !errors.As(err, &le) || le.Path != "sub/x" {
			t.Errorf("%s: got %v, want %v at sub/x", name, err, tc.want)
		}
	}
}

func TestResolveInRoot(t *testing.T) {
	root := build(t, []item{
		{path: "usr/lib/x", kind: 'f', perm: 0o644},
		{path: "abs", kind: 'l', data: "/usr/lib/x"},
		{path: "dots", kind: 'l', data: "../../../usr/lib/x"},
		{path: "lib", kind: 'l', data: "usr/lib"},
		{path: "loop", kind: 'l', data: "loop"},
	}, buildOpts{})
	for rel, want := range map[string]string{
		"abs": "usr/lib/x", "/dots": "usr/lib/x", "lib/x": "usr/lib/x", "lib/../lib": "usr/lib", "..": ".", "": ".",
	} {
		if got, err := ResolveInRoot(root, rel); err != nil || got != want {
			t.Errorf("ResolveInRoot(%q) = %q, %v; want %q", rel, got, err, want)
		}
	}
	if _, err := ResolveInRoot(root, "loop"); !errors.Is(err, ErrLinkLoop) {
		t.Errorf("loop: %v", err)
	}
	if _, err := ResolveInRoot(root, "lib/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestWalkRootAndCheck(t *testing.T) {
	root := build(t, portableTree(), buildOpts{})
	testutil.Must(t, os.Chmod(root, 0o711))
	entries, err := Walk(root, Options{Root: true})
	testutil.Must(t, err)
	if e := entries[0]; e.Path != "" || e.Kind != KindDir || e.Perm != 0o711 || e.Ino != 1 || e.Nlink != 10 {
		t.Errorf("first entry %+v, want the root with mode 0711, inode 1 and 8 subdirectories", e)
	}
	refused := errors.New("no FIFOs")
	_, err = Walk(root, Options{Check: func(name, _ string, fi fs.FileInfo) error {
		if fi.Mode()&fs.ModeNamedPipe != 0 {
			return refused
		}
		return nil
	}})
	if !errors.Is(err, refused) {
		t.Errorf("Check's error: got %v", err)
	}
}

func TestWriteTarFiles(t *testing.T) {
	files := []MemFile{{Path: "bin/tool", Perm: 0o755, Data: []byte("tool")}, {Path: "a", Perm: 0o644}}
	var buf bytes.Buffer
	testutil.Must(t, WriteTarFiles(&buf, files, Options{Epoch: 7, Prefix: "opt"}))
	var got []string
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		testutil.Must(t, err)
		data, _ := io.ReadAll(tr)
		if h.ModTime != time.Unix(7, 0) || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s: mtime %v owner %d:%d", h.Name, h.ModTime, h.Uid, h.Gid)
		}
		got = append(got, h.Name+" "+fs.FileMode(h.Mode).String()+" "+string(data))
	}
	want := []string{"opt/ -rwxr-xr-x ", "opt/a -rw-r--r-- ", "opt/bin/ -rwxr-xr-x ", "opt/bin/tool -rwxr-xr-x tool"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, bad := range [][]MemFile{{{Path: "/abs"}}, {{Path: "a/../b"}}, {{Path: "a"}, {Path: "a"}}, {{Path: "a"}, {Path: "a/b"}}} {
		if err := WriteTarFiles(io.Discard, bad, Options{}); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
