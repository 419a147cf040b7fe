package archive

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

// item is one file of a test tree.
type item struct {
	path         string
	kind         byte   // 'd' dir, 'f' file, 'l' symlink, 'h' hard link, 'c' char, 'b' block, 'p' fifo, 's' socket
	perm         uint32 // raw mode bits, including setuid, setgid and sticky
	data         string // file content, symlink target or hard-link target path
	major, minor uint32
}

// portableTree needs no privileges to create.
func portableTree() []item {
	return []item{
		{path: "bin", kind: 'd', perm: 0o755},
		{path: "bin/busybox", kind: 'f', perm: 0o755, data: "#!/bin/sh\necho busybox\n"},
		{path: "bin/ls", kind: 'h', data: "bin/busybox"},
		{path: "sbin", kind: 'd', perm: 0o750},
		{path: "sbin/init", kind: 'h', data: "bin/busybox"},
		{path: "bin/su", kind: 'f', perm: 0o4755, data: "setuid"},
		{path: "init", kind: 'l', data: "bin/busybox"},
		{path: "etc", kind: 'd', perm: 0o755},
		{path: "etc/passwd", kind: 'f', perm: 0o644, data: "root:x:0:0:root:/root:/bin/sh\n"},
		{path: "etc/shadow", kind: 'f', perm: 0o600},
		{path: "etc/shadow-", kind: 'h', data: "etc/shadow"},
		{path: "etc/localtime", kind: 'l', data: "/usr/share/zoneinfo/UTC"},
		{path: "tmp", kind: 'd', perm: 0o1777},
		{path: "srv", kind: 'd', perm: 0o2775},
		{path: "a-b", kind: 'f', perm: 0o644, data: "a"},
		{path: "a", kind: 'd', perm: 0o755},
		{path: "a/b", kind: 'f', perm: 0o644, data: "ab"},
		{path: "deep/" + strings.Repeat("x", 120), kind: 'f', perm: 0o644, data: "long name"},
		{path: "deep", kind: 'd', perm: 0o700},
		{path: "caf\u00e9", kind: 'f', perm: 0o444, data: "non-ASCII name"},
		{path: "run", kind: 'd', perm: 0o755},
		{path: "run/initctl", kind: 'p', perm: 0o600},
	}
}

// fullTree adds device nodes and a socket, which need root.
func fullTree() []item {
	return append(portableTree(),
		item{path: "dev", kind: 'd', perm: 0o755},
		item{path: "dev/null", kind: 'c', perm: 0o666, major: 1, minor: 3},
		item{path: "dev/loop0", kind: 'b', perm: 0o660, major: 7, minor: 0},
		item{path: "dev/big", kind: 'c', perm: 0o600, major: 259, minor: 300},
		item{path: "run/sock", kind: 's', perm: 0o755},
	)
}

// buildOpts varies the host details that must not reach the archive.
type buildOpts struct {
	reverse  bool      // create items in reverse order
	mtime    time.Time // mtime of every item
	uid, gid int       // owner of every item, applied only when chown
	chown    bool
}

// build creates items below a new temporary directory.
func build(t *testing.T, items []item, bo buildOpts) string {
	t.Helper()
	root := t.TempDir()
	order := slices.Clone(items)
	if bo.reverse {
		slices.Reverse(order)
	}
	for _, it := range order {
		if it.kind != 'h' {
			create(t, root, it)
		}
	}
	for _, it := range order {
		if it.kind == 'h' {
			testutil.Must(t, os.Link(filepath.Join(root, it.data), filepath.Join(root, it.path)))
		}
	}
	for _, it := range order {
		finalize(t, root, it, bo)
	}
	return root
}

// create makes one item with a private mode; finalize sets the real one.
func create(t *testing.T, root string, it item) {
	p := filepath.Join(root, it.path)
	testutil.Must(t, os.MkdirAll(filepath.Dir(p), 0o700))
	switch it.kind {
	case 'd':
		testutil.Must(t, os.MkdirAll(p, 0o700))
	case 'f':
		testutil.Must(t, os.WriteFile(p, []byte(it.data), 0o600))
	case 'l':
		testutil.Must(t, os.Symlink(it.data, p))
	case 'c', 'b', 'p', 's':
		testutil.Must(t, syscall.Mknod(p, nodeType(it.kind)|0o600, int(mkdev(it.major, it.minor))))
	}
}

// finalize sets owner, mode and mtime of one item.
func finalize(t *testing.T, root string, it item, bo buildOpts) {
	p := filepath.Join(root, it.path)
	if bo.chown && it.kind != 'h' {
		testutil.Must(t, os.Lchown(p, bo.uid, bo.gid))
	}
	if it.kind == 'l' || it.kind == 'h' || it.kind == 's' {
		return
	}
	testutil.Must(t, syscall.Chmod(p, it.perm))
	testutil.Must(t, os.Chtimes(p, bo.mtime, bo.mtime))
}

// nodeType returns the S_IF* bits for a node kind.
func nodeType(kind byte) uint32 {
	switch kind {
	case 'c':
		return syscall.S_IFCHR
	case 'b':
		return syscall.S_IFBLK
	case 's':
		return syscall.S_IFSOCK
	}
	return syscall.S_IFIFO
}

// mkdev encodes a Linux dev_t.
func mkdev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return mi&0xff | (ma&0xfff)<<8 | (mi&^0xff)<<12 | (ma&^0xfff)<<32
}

// fileState is what an extracted file must share with its source.
type fileState struct {
	mode     fs.FileMode
	data     string // content or symlink target
	rdev     uint64
	uid, gid uint32
	mtime    int64
	leader   string // first path, in byte order, sharing the inode
}

// snapshot records every file below root except root itself and sockets.
func snapshot(t *testing.T, root string) map[string]fileState {
	t.Helper()
	states := make(map[string]fileState)
	inodes := make(map[uint64][]string)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root || d.Type() == fs.ModeSocket {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		st, ino := stateOf(t, p)
		states[rel] = st
		inodes[ino] = append(inodes[ino], rel)
		return nil
	})
	testutil.Must(t, err)
	for _, paths := range inodes {
		for _, p := range paths {
			st := states[p]
			st.leader = slices.Min(paths)
			states[p] = st
		}
	}
	return states
}

// stateOf describes one file and returns its host inode.
func stateOf(t *testing.T, p string) (fileState, uint64) {
	fi, err := os.Lstat(p)
	testutil.Must(t, err)
	st := fi.Sys().(*syscall.Stat_t)
	s := fileState{mode: fi.Mode(), rdev: st.Rdev, uid: st.Uid, gid: st.Gid, mtime: fi.ModTime().Unix()}
	switch fi.Mode().Type() {
	case 0:
		b, err := os.ReadFile(p)
		testutil.Must(t, err)
		s.data = string(b)
	case fs.ModeSymlink:
		target, err := os.Readlink(p)
		testutil.Must(t, err)
		s.data = target
	}
	return s, st.Ino
}

// compareTrees checks that the extracted tree got matches src, owned by
// root and with every mtime equal to epoch. Symbolic link mtimes are not
// compared, nor, unless dirMtimes, directory mtimes (GNU cpio sets them
// before creating the directory's contents).
func compareTrees(t *testing.T, src, got string, epoch int64, dirMtimes bool) {
	t.Helper()
	want, have := snapshot(t, src), snapshot(t, got)
	for p, w := range want {
		w.uid, w.gid, w.mtime = 0, 0, epoch
		h, ok := have[p]
		if w.mode.Type() == fs.ModeSymlink || (w.mode.IsDir() && !dirMtimes) {
			w.mtime = h.mtime
		}
		if !ok {
			t.Errorf("%s: missing after extraction", p)
		} else if h != w {
			t.Errorf("%s: extracted %+v, want %+v", p, h, w)
		}
	}
	for p := range have {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: extracted but not in source", p)
		}
	}
}
