package debunpack

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// node is what a test compares about one file.
type node struct {
	mode     fs.FileMode // type and permission bits, setuid, setgid, sticky
	uid, gid uint32
	size     int64
	sum      [32]byte
	link     string
	mtime    int64
	rdev     uint64
	nlink    uint64
	ino      uint64
}

// String describes a node for messages.
func (n node) String() string {
	return fmt.Sprintf("%v %d:%d size=%d link=%q mtime=%d rdev=%d nlink=%d",
		n.mode, n.uid, n.gid, n.size, n.link, n.mtime, n.rdev, n.nlink)
}

// snapshot records every file below root by relative path, the root
// itself excluded.
func snapshot(t testing.TB, root string) map[string]node {
	t.Helper()
	nodes := make(map[string]node)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		nodes[filepath.ToSlash(rel)] = describe(t, p)
		return nil
	})
	testutil.Must(t, err)
	return nodes
}

// describe reads one file's node.
func describe(t testing.TB, p string) node {
	t.Helper()
	fi, err := os.Lstat(p)
	testutil.Must(t, err)
	st := fi.Sys().(*syscall.Stat_t)
	n := node{
		mode: fi.Mode() &^ fs.ModeIrregular, uid: st.Uid, gid: st.Gid,
		mtime: st.Mtim.Nano(), rdev: st.Rdev, nlink: st.Nlink, ino: st.Ino,
	}
	switch {
	case fi.Mode().IsRegular():
		data, err := os.ReadFile(p)
		testutil.Must(t, err)
		n.size, n.sum = fi.Size(), sha256.Sum256(data)
	case fi.Mode()&fs.ModeSymlink != 0:
		n.link, err = os.Readlink(p)
		testutil.Must(t, err)
	}
	if fi.IsDir() {
		n.nlink = 0 // depends on which subdirectories exist
	}
	return n
}

// compareTrees checks that every file of want is in got under the path
// rename gives it, with equal metadata and content, that hard links form
// the same groups, and returns the paths of got left unmatched, sorted.
func compareTrees(t testing.TB, want, got map[string]node, rename func(string) (string, bool)) []string {
	t.Helper()
	matched := make(map[string]bool)
	groups := make(map[uint64]uint64) // want inode -> got inode
	for rel, w := range want {
		to, ok := rename(rel)
		if !ok {
			continue
		}
		g, found := got[to]
		matched[to] = true
		switch {
		case !found:
			t.Errorf("%s: missing (as %s)", rel, to)
		case w.mode.IsDir() != g.mode.IsDir() || !w.mode.IsDir() && !sameNode(w, g):
			t.Errorf("%s:\n got  %v\n want %v", rel, g, w)
		case w.mode.IsDir() && (w.mode != g.mode || w.uid != g.uid || w.gid != g.gid):
			t.Errorf("%s: directory\n got  %v\n want %v", rel, g, w)
		case w.mode.IsRegular():
			if prev, seen := groups[w.ino]; seen && prev != g.ino {
				t.Errorf("%s: not hard-linked like in the reference tree", rel)
			}
			groups[w.ino] = g.ino
		}
	}
	var extra []string
	for rel := range got {
		if !matched[rel] {
			extra = append(extra, rel)
		}
	}
	slices.Sort(extra)
	return extra
}

// sameNode compares everything but the inode number.
func sameNode(a, b node) bool {
	a.ino, b.ino = 0, 0
	return a == b
}

// identity keeps every path.
func identity(rel string) (string, bool) { return rel, true }

// without returns paths but those allowed.
func without(paths []string, allowed func(string) bool) []string {
	var out []string
	for _, p := range paths {
		if !allowed(p) {
			out = append(out, p)
		}
	}
	return out
}

// generated reports the paths Unpack may add besides data.tar's: the
// dpkg database files and their directories and, with merged /usr,
// usr/bin and its siblings, which data.tar may not list.
func generated(merged bool) func(string) bool {
	return func(p string) bool {
		switch {
		case strings.HasPrefix(p, infoDir+"/"), strings.HasPrefix(p, statusDir+"/"):
			return true
		case slices.Contains([]string{"var", "var/lib", "var/lib/dpkg", infoDir, statusDir}, p):
			return true
		}
		sub, ok := strings.CutPrefix(p, "usr/")
		return merged && ok && mergedDirs[sub]
	}
}
