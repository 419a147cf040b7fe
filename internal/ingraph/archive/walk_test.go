package archive

import (
	"cmp"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

func TestWalkOrderAndLinks(t *testing.T) {
	testutil.NeedRoot(t)
	root := build(t, fullTree(), buildOpts{mtime: time.Unix(1e9, 0)})
	entries, err := Walk(root, Reproducible(42))
	testutil.Must(t, err)
	byPath := make(map[string]Entry)
	for i, e := range entries {
		byPath[e.Path] = e
		if i > 0 && ComparePaths(entries[i-1].Path, e.Path) >= 0 {
			t.Errorf("%q sorts after %q", entries[i-1].Path, e.Path)
		}
		if e.ModTime != 42 || e.UID != 0 || e.GID != 0 {
			t.Errorf("%s: mtime %d owner %d:%d", e.Path, e.ModTime, e.UID, e.GID)
		}
	}
	if _, ok := byPath["run/sock"]; ok {
		t.Error("socket was archived")
	}
	if got := paths(entries[:4]); !slices.Equal(got, []string{"a", "a/b", "a-b", "bin"}) {
		t.Errorf("first entries %q", got)
	}
	checkInodes(t, entries)
	checkEntry(t, byPath["bin/ls"], Entry{Kind: KindRegular, Perm: 0o755, LinkTo: "bin/busybox", Nlink: 3, Size: 23})
	checkEntry(t, byPath["sbin/init"], Entry{Kind: KindRegular, Perm: 0o755, LinkTo: "bin/busybox", Nlink: 3, Size: 23})
	checkEntry(t, byPath["bin/su"], Entry{Kind: KindRegular, Perm: 0o4755, Nlink: 1, Size: 6})
	checkEntry(t, byPath["tmp"], Entry{Kind: KindDir, Perm: 0o1777, Nlink: 2})
	checkEntry(t, byPath["srv"], Entry{Kind: KindDir, Perm: 0o2775, Nlink: 2})
	checkEntry(t, byPath["init"], Entry{Kind: KindSymlink, Perm: 0o777, Linkname: "bin/busybox", Nlink: 1})
	checkEntry(t, byPath["dev/big"], Entry{Kind: KindChar, Perm: 0o600, Major: 259, Minor: 300, Nlink: 1})
	checkEntry(t, byPath["dev/loop0"], Entry{Kind: KindBlock, Perm: 0o660, Major: 7, Nlink: 1})
	checkEntry(t, byPath["run/initctl"], Entry{Kind: KindFifo, Perm: 0o600, Nlink: 1})
}

// paths lists the paths of entries.
func paths(entries []Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Path)
	}
	return out
}

// checkInodes checks that inode numbers count up from 1 in archive order,
// hard links reusing their group's number.
func checkInodes(t *testing.T, entries []Entry) {
	t.Helper()
	next := uint32(1)
	for _, e := range entries {
		if e.LinkTo != "" {
			continue
		}
		if e.Ino != next {
			t.Errorf("%s: inode %d, want %d", e.Path, e.Ino, next)
		}
		next++
	}
}

// checkEntry compares the fields of got that want describes.
func checkEntry(t *testing.T, got, want Entry) {
	t.Helper()
	got.Path, got.UID, got.GID, got.ModTime, got.Ino, got.src = "", 0, 0, 0, 0, ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestComparePaths(t *testing.T) {
	sorted := []string{"", "a", "a/b", "a/b/c", "a/b-c", "a/bc", "a-b", "a0", "b", "\u00e9"}
	for i, a := range sorted {
		for j, b := range sorted {
			if got, want := ComparePaths(a, b), cmp.Compare(i, j); got != want {
				t.Errorf("ComparePaths(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestWalkPrefix(t *testing.T) {
	root := build(t, portableTree(), buildOpts{mtime: time.Unix(1e9, 0)})
	testutil.Must(t, os.Chmod(root, 0o750))
	entries, err := Walk(root, Options{Prefix: "/opt/app/"})
	testutil.Must(t, err)
	if entries[0].Path != "opt" || entries[0].Perm != 0o755 || entries[0].Kind != KindDir {
		t.Errorf("first entry %+v, want directory opt with mode 0755", entries[0])
	}
	if entries[1].Path != "opt/app" || entries[1].Perm != 0o750 || entries[1].Nlink != 10 {
		t.Errorf("second entry %+v, want directory opt/app with the root's mode 0750", entries[1])
	}
	for _, e := range entries[2:] {
		if !strings.HasPrefix(e.Path, "opt/app/") {
			t.Errorf("%s is outside the prefix", e.Path)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	root := t.TempDir()
	neg := -1
	for name, opts := range map[string]Options{
		"negative epoch": {Epoch: -1},
		"dotdot prefix":  {Prefix: "a/../../b"},
		"negative uid":   {UID: &neg},
		"negative gid":   {GID: &neg},
	} {
		if _, err := Walk(root, opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Walk(root+"/missing", Options{}); err == nil {
		t.Error("missing root: no error")
	}
	testutil.Must(t, os.WriteFile(root+"/f", []byte("x"), 0o644))
	if _, err := Walk(root+"/f", Options{}); err == nil {
		t.Error("file as root: no error")
	}
}
