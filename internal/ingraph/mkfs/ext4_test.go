package mkfs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
	"golang.org/x/sys/unix"
)

// mkfsCap is a valid security.capability value (cap_net_raw, v2).
var mkfsCap = []byte{1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

// mkfsRich makes a tree with what ext4 and squashfs keep and FAT does
// not: owners, modes, hard links, symbolic links, device nodes, FIFOs
// and extended attributes. reverse creates it, and sets the attributes,
// in the opposite order.
func mkfsRich(t *testing.T, reverse bool) string {
	t.Helper()
	testutil.NeedRoot(t)
	spec := mkfsTricky()
	spec["bin/ping"] = "ping binary\n"
	spec["etc/shadow"] = "root:*:1:0:99999:7:::\n"
	spec["home/user/"] = ""
	root := mkfsMake(t, spec, reverse)
	p := func(rel string) string { return filepath.Join(root, rel) }
	testutil.Must(t, os.Link(p("bin/ping"), p("bin/ping6")))
	testutil.Must(t, os.Symlink("ping", p("bin/short-link")))
	testutil.Must(t, os.Symlink(strings.Repeat("../", 30)+"bin/ping", p("bin/long-link")))
	testutil.Must(t, unix.Mknod(p("null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	testutil.Must(t, unix.Mkfifo(p("fifo"), 0o600))
	testutil.Must(t, os.Chown(p("home/user"), 1000, 1000))
	testutil.Must(t, os.Chmod(p("home/user"), 0o700))
	testutil.Must(t, os.Chown(p("etc/shadow"), 0, 42))
	testutil.Must(t, os.Chmod(p("etc/shadow"), 0o640))
	attrs := []xattr{{"security.capability", mkfsCap}, {"user.b", []byte("2")}, {"user.a", []byte("1")}}
	if reverse {
		attrs[0], attrs[2] = attrs[2], attrs[0]
	}
	for _, x := range attrs {
		testutil.Must(t, unix.Lsetxattr(p("bin/ping"), x.name, x.value, 0))
	}
	testutil.Must(t, unix.Lsetxattr(p("etc/shadow"), "user.note", []byte("secret"), 0))
	testutil.Must(t, os.Chmod(p("bin/ping"), 0o4755|os.ModeSetuid)) // after the capability, which clears set-id bits
	testutil.Must(t, os.Chmod(p("null"), 0o666))
	return root
}

// debugfsStat returns "debugfs -R 'stat PATH'" output.
func debugfsStat(t *testing.T, img, path string) string {
	t.Helper()
	return mkfsTool(t, "debugfs", "-R", "stat "+path, img)
}

// debugfsDump returns a file's content read back by debugfs.
func debugfsDump(t *testing.T, img, path string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "dump")
	mkfsTool(t, "debugfs", "-R", fmt.Sprintf("dump %q %s", path, out), img)
	return string(mkfsRead(t, out))
}

func TestMkfsExt4(t *testing.T) {
	mkfsNeed(t, "mke2fs", "debugfs", "e2fsck")
	src, other := mkfsRich(t, false), mkfsRich(t, true)
	dir := t.TempDir()
	img := filepath.Join(dir, "root.img")
	req := request.Mkfs{Type: "ext4", Label: "root", Epoch: 1700000000, IDSalt: "disk0", Src: src, Out: img}
	res := mkfsRun(t, req)
	if res.Type != "ext4" || res.Label != "root" || res.Size%(1<<20) != 0 || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(res.UUID) {
		t.Errorf("result %+v", res)
	}
	if out, err := exec.Command("e2fsck", "-fn", img).CombinedOutput(); err != nil {
		t.Errorf("e2fsck -fn: %v\n%s", err, out)
	}
	stats := mkfsTool(t, "debugfs", "-R", "stats", img)
	if !strings.Contains(stats, "Filesystem UUID:          "+res.UUID) || strings.Contains(stats, "Directory Hash Seed:      "+res.UUID) {
		t.Errorf("UUID and hash seed: want UUID %s and a different seed:\n%s", res.UUID, stats)
	}
	mkfsCheckExt4(t, img)
	again := req
	again.Src, again.Out = other, filepath.Join(dir, "again.img")
	mkfsRun(t, again)
	if !bytes.Equal(mkfsRead(t, img), mkfsRead(t, again.Out)) {
		t.Error("a tree created in another order gives another image")
	}
	mkfsMountCheck(t, img, "ext4", src)
}

// mkfsCheckExt4 reads owners, modes, links, times, attributes and
// contents back with debugfs.
func mkfsCheckExt4(t *testing.T, img string) {
	t.Helper()
	for path, want := range map[string][]string{
		"/bin/ping":       {"Mode:  04755", "User:     0   Group:     0", "Links: 2", "security.capability (20)", `user.a (1) = "1"`},
		"/bin/ping6":      {"Links: 2"},
		"/etc/shadow":     {"Mode:  0640", "Group:    42", `user.note (6) = "secret"`},
		"/home/user":      {"Type: directory", "Mode:  0700", "User:  1000   Group:  1000"},
		"/null":           {"Type: character special", "Device major/minor number: 01:03"},
		"/fifo":           {"Type: FIFO", "Mode:  0600"},
		"/bin/short-link": {"Type: symlink", `Fast link dest: "ping"`},
		"/bin/long-link":  {"Type: symlink", "Size: 98"},
		"/":               {"User:     0   Group:     0", "Mode:  0755"},
		"/lost+found":     {"Mode:  0700"},
	} {
		st := debugfsStat(t, img, path)
		for _, w := range append(want, " ctime: 0x6553f100:00000000", " atime: 0x6553f100:00000000", " mtime: 0x6553f100:00000000", "crtime: 0x6553f100:00000000") {
			if !strings.Contains(st, w) {
				t.Errorf("%s: stat lacks %q:\n%s", path, w, st)
			}
		}
	}
	if st := debugfsStat(t, img, "/bin/ping"); strings.Index(st, "security.capability") > strings.Index(st, "user.a") ||
		strings.Index(st, "user.a") > strings.Index(st, "user.b") {
		t.Errorf("extended attributes not in sorted order:\n%s", st)
	}
	for path, want := range map[string]string{
		"/bin/ping": "ping binary\n", "/EFI/BOOT/BOOTX64.EFI": strings.Repeat("MZ", 40000), "/empty": "",
		"/many/entry number 299 of a big directory.conf": "299\n",
	} {
		if got := debugfsDump(t, img, path); got != want {
			t.Errorf("%s: dumped %d bytes, want %d", path, len(got), len(want))
		}
	}
}

// mkfsMountCheck mounts img read-only, when this machine allows loop
// mounts, and compares file contents with src.
func mkfsMountCheck(t *testing.T, img, typ, src string) {
	t.Helper()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", typ, "-o", "loop,ro", img, mnt).CombinedOutput(); err != nil {
		t.Logf("loop mount not permitted here, kernel check skipped: %s", out)
		return
	}
	defer exec.Command("umount", mnt).Run()
	got := mkfsFiles(t, mnt)
	delete(got, "lost+found/")
	mkfsSame(t, got, mkfsFiles(t, src))
	var st unix.Stat_t
	testutil.Must(t, unix.Lstat(filepath.Join(mnt, "home/user"), &st))
	if st.Uid != 1000 || st.Mode&0o7777 != 0o700 {
		t.Errorf("mounted home/user: uid %d mode %o", st.Uid, st.Mode&0o7777)
	}
	if v, err := unix.Lgetxattr(filepath.Join(mnt, "bin/ping"), "security.capability", make([]byte, 64)); err != nil || v != len(mkfsCap) {
		t.Errorf("mounted bin/ping capability: %d, %v", v, err)
	}
}

func TestMkfsExt4AutoSize(t *testing.T) {
	mkfsNeed(t, "mke2fs", "e2fsck")
	many := mkfsSpec{}
	for i := range 3000 {
		many[fmt.Sprintf("d%02d/file %04d.bin", i%30, i)] = string(mkfsNoise(16 << 10))
	}
	for _, c := range []struct {
		name     string
		spec     mkfsSpec
		min, max int64 // MiB
	}{
		{"empty", mkfsSpec{}, 8, 8},
		{"tiny", mkfsSpec{"etc/hostname": "cairn\n"}, 8, 8},
		{"50MB", many, 55, 90},
	} {
		t.Run(c.name, func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "root.img")
			res := mkfsRun(t, request.Mkfs{Type: "ext4", Epoch: 1, Src: mkfsMake(t, c.spec, false), Out: img})
			if res.Size < c.min<<20 || res.Size > c.max<<20 || res.Size%(1<<20) != 0 {
				t.Errorf("got %+v, want %d..%d MiB", res, c.min, c.max)
			}
			if out, err := exec.Command("e2fsck", "-fn", img).CombinedOutput(); err != nil {
				t.Errorf("e2fsck -fn: %v\n%s", err, out)
			}
		})
	}
}

func TestMkfsExt4Epoch0(t *testing.T) {
	mkfsNeed(t, "mke2fs", "debugfs")
	// mke2fs ignores E2FSPROGS_FAKE_TIME=0 and stamps the clock; the
	// stamping afterwards must still give epoch 0 everywhere.
	src := mkfsMake(t, mkfsSpec{"f": "x"}, false)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.img"), filepath.Join(dir, "b.img")
	mkfsRun(t, request.Mkfs{Type: "ext4", Epoch: 0, Src: src, Out: a})
	mkfsRun(t, request.Mkfs{Type: "ext4", Epoch: 0, Src: src, Out: b})
	if !bytes.Equal(mkfsRead(t, a), mkfsRead(t, b)) {
		t.Error("two builds at epoch 0 differ")
	}
	stats := mkfsTool(t, "debugfs", "-R", "stats", a)
	if !strings.Contains(stats, "Last write time:          Thu Jan  1 00:00:00 1970") || !strings.Contains(stats, "Last checked:             Thu Jan  1 00:00:00 1970") {
		t.Errorf("creation time is not the epoch:\n%s", stats)
	}
	if st := debugfsStat(t, a, "/f"); !strings.Contains(st, "crtime: 0x00000000:00000000") {
		t.Errorf("crtime is not the epoch:\n%s", st)
	}
}
