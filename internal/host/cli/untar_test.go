package cli

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
	"golang.org/x/sys/unix"
)

// hostileTar is an export holding what a build step can make: device
// nodes, a fifo, a hard link to a device, setuid/setgid and world-writable
// modes, and a file capability beside a user attribute.
func hostileTar(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	add := func(h *tar.Header, data string) {
		h.Size = int64(len(data))
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	add(&tar.Header{Name: "dev/", Typeflag: tar.TypeDir, Mode: 0o755}, "")
	add(&tar.Header{Name: "dev/sda", Typeflag: tar.TypeBlock, Mode: 0o666, Devmajor: 8}, "")
	add(&tar.Header{Name: "dev/null", Typeflag: tar.TypeChar, Mode: 0o666, Devmajor: 1, Devminor: 3}, "")
	add(&tar.Header{Name: "dev/pipe", Typeflag: tar.TypeFifo, Mode: 0o600}, "")
	add(&tar.Header{Name: "disk-again", Typeflag: tar.TypeLink, Linkname: "dev/sda"}, "")
	add(&tar.Header{Name: "su", Mode: 0o4755}, "root shell")
	add(&tar.Header{Name: "wall", Mode: 0o2755}, "tty group")
	add(&tar.Header{Name: "notes", Mode: 0o666}, "anyone's")
	add(&tar.Header{Name: "tmp/", Typeflag: tar.TypeDir, Mode: 0o1777}, "")
	add(&tar.Header{Name: "ping", Mode: 0o755, PAXRecords: map[string]string{
		"SCHILY.xattr.security.capability": "\x01\x00\x00\x02\x00\x20\x00\x00",
		"SCHILY.xattr.user.origin":         "cairn",
	}}, "ping")
	add(&tar.Header{Name: "plain", Mode: 0o644}, "plain")
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestUntarWithholdsHostPrivileges(t *testing.T) {
	dir := t.TempDir()
	ex, err := untar(bytes.NewReader(hostileTar(t)), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"dev/sda", "dev/null", "dev/pipe", "disk-again"} {
		if _, err := os.Lstat(filepath.Join(dir, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists on the host (err %v); a directory export must not create it", p, err)
		}
	}
	wantModes := map[string]os.FileMode{"su": 0o755, "wall": 0o755, "notes": 0o664, "tmp": 0o775 | os.ModeSticky | os.ModeDir, "plain": 0o644}
	for p, want := range wantModes {
		fi, err := os.Lstat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode()&^os.ModeType | fi.Mode()&os.ModeDir; got != want {
			t.Errorf("%s: mode %v, want %v", p, got, want)
		}
	}
	if _, err := unix.Lgetxattr(filepath.Join(dir, "ping"), "security.capability", make([]byte, 64)); err == nil {
		t.Error("ping kept security.capability on the host")
	}
	got := []string{}
	for _, w := range ex.withheld {
		got = append(got, w.Path+": "+w.Was+" -> "+w.Now)
	}
	want := []string{
		"dev/null: character device 1,3 -> not written",
		"dev/pipe: fifo -> not written",
		"dev/sda: block device 8,0 -> not written",
		"disk-again: hard link to dev/sda -> not written",
		"notes: mode 0666 -> mode 0664",
		"ping: xattr security.capability -> not written",
		"su: mode 4755 -> mode 0755",
		"tmp: mode 1777 -> mode 1775",
		"wall: mode 2755 -> mode 0755",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("withheld:\n%q\nwant\n%q", got, want)
	}
	const sum = "left out 1 block device, 1 character device, 1 fifo, 1 hard link to a node; " +
		"cleared setuid/setgid/world-write bits on 4 entries; dropped 1 non-user extended attribute"
	if s := summarize(ex.withheld); s != sum {
		t.Errorf("summary %q, want %q", s, sum)
	}
}

func TestStaleTemporariesCleaned(t *testing.T) {
	root := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mk(".rootfs.tmp-123/etc")  // an export cut short
	mk(".iso.tmp-77.old")      // an old output whose swap finished
	mk("iso")                  // ... because the new one is in place
	mk(".disk.tmp-9.old/boot") // an old output moved aside, new one never came
	mk(".mine.tmp-x")          // not a name cairn gives
	mk("keep")                 // an output
	if err := os.WriteFile(filepath.Join(root, "keep.cairn.json.tmp"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	lock, err := lockOutputs(root, &log)
	if err != nil {
		t.Fatal(err)
	}
	// A second build while the first holds the directory cleans nothing.
	mk(".late.tmp-5")
	var log2 bytes.Buffer
	lock2, err := lockOutputs(root, &log2)
	if err != nil {
		t.Fatal(err)
	}
	lock2.release()
	lock.release()
	if log2.Len() != 0 {
		t.Errorf("a build cleaned while another held the directory: %s", log2.String())
	}
	var names []string
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{".cairn-out.lock", ".late.tmp-5", ".mine.tmp-x", "disk", "iso", "keep"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("left %q, want %q", names, want)
	}
	if _, err := os.Stat(filepath.Join(root, "disk/boot")); err != nil {
		t.Errorf("the output moved aside was not restored: %v", err)
	}
	const msg = "cleaned "
	if got := log.String(); !bytes.Contains([]byte(got), []byte("removed .rootfs.tmp-123")) ||
		!bytes.Contains([]byte(got), []byte("restored disk")) || bytes.Count([]byte(got), []byte(msg)) != 1 {
		t.Errorf("report: %q", got)
	}
}

// TestUntarStaysInside: a symlink, absolute or climbing, is never followed
// out of the output, also when it replaces a directory the unpacker has
// been writing into.
func TestUntarStaysInside(t *testing.T) {
	outside := t.TempDir()
	for name, entries := range map[string][]*tar.Header{
		"absolute link": {
			{Name: "evil", Typeflag: tar.TypeSymlink, Linkname: outside},
			{Name: "evil/x", Typeflag: tar.TypeReg, Mode: 0o644},
		},
		"climbing link": {
			{Name: "a/", Typeflag: tar.TypeDir, Mode: 0o755},
			{Name: "a/up", Typeflag: tar.TypeSymlink, Linkname: "../../../../../../.." + outside},
			{Name: "a/up/x", Typeflag: tar.TypeReg, Mode: 0o644},
		},
		"directory replaced by a link": {
			{Name: "d/", Typeflag: tar.TypeDir, Mode: 0o755},
			{Name: "d/first", Typeflag: tar.TypeReg, Mode: 0o644},
			{Name: "d", Typeflag: tar.TypeSymlink, Linkname: outside},
			{Name: "d/x", Typeflag: tar.TypeReg, Mode: 0o644},
		},
		"link as the file itself": {
			{Name: "x", Typeflag: tar.TypeSymlink, Linkname: outside + "/x"},
			{Name: "x", Typeflag: tar.TypeReg, Mode: 0o644},
		},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			tw := tar.NewWriter(&b)
			for _, h := range entries {
				if err := tw.WriteHeader(h); err != nil {
					t.Fatal(err)
				}
			}
			tw.Close()
			untar(&b, t.TempDir()) // may fail; must not write outside
			if got, _ := os.ReadDir(outside); len(got) != 0 {
				t.Errorf("wrote outside the output: %v", got)
			}
		})
	}
}

// TestUntarReplacesDirectory: an entry may replace a directory written
// earlier in the stream, and entries after it still land in the parent.
func TestUntarReplacesDirectory(t *testing.T) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range []*tar.Header{
		{Name: "d/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "d/inside", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "d", Typeflag: tar.TypeSymlink, Linkname: "elsewhere"},
		{Name: "after", Typeflag: tar.TypeReg, Mode: 0o644},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	dir := t.TempDir()
	if _, err := untar(&b, dir); err != nil {
		t.Fatal(err)
	}
	if l, err := os.Readlink(filepath.Join(dir, "d")); err != nil || l != "elsewhere" {
		t.Errorf("d = %q, %v; want the link that replaced the directory", l, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "after")); err != nil {
		t.Errorf("the entry after the replacement: %v", err)
	}
}

// TestUntarUnpacksPacked: a packed sparse file (what the CLI's pack step
// sends in place of a disk image) lands under its own name, with its
// bytes, sum, mode and time, allocating only its data.
func TestUntarUnpacksPacked(t *testing.T) {
	const size = 48 << 20
	src, err := os.Create(filepath.Join(t.TempDir(), "disk.img"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	want := make([]byte, size)
	for _, at := range []int64{4096, 30 << 20} {
		copy(want[at:], "partition data")
		if _, err := src.WriteAt([]byte("partition data"), at); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.Truncate(size); err != nil {
		t.Fatal(err)
	}
	var packed bytes.Buffer
	if err := sparse.Pack(&packed, src, size, sparse.Ranges(src, 0, size)); err != nil {
		t.Fatal(err)
	}
	mtime := time.Unix(1700000000, 0)
	tarOf := func(data []byte) *bytes.Buffer {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		tw.WriteHeader(&tar.Header{Name: "img/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime})
		tw.WriteHeader(&tar.Header{Name: "img/disk.img" + sparse.PackedSuffix, Typeflag: tar.TypeReg, Mode: 0o640, ModTime: mtime, Size: int64(len(data))})
		tw.Write(data)
		tw.Close()
		return &b
	}
	dir := t.TempDir()
	ex, err := untar(tarOf(packed.Bytes()), dir)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "img", "disk.img")
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("unpacked bytes differ from the packed file's")
	}
	if sum := sha256.Sum256(want); ex.sums["img/disk.img"] != hex.EncodeToString(sum[:]) {
		t.Errorf("sum %q, want the SHA-256 of the whole file", ex.sums["img/disk.img"])
	}
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	if st.Mode&0o7777 != 0o640 || st.Mtim.Sec != mtime.Unix() {
		t.Errorf("mode %o, mtime %d; want 640 and %d", st.Mode&0o7777, st.Mtim.Sec, mtime.Unix())
	}
	if st.Blocks*512 > 1<<20 {
		t.Errorf("%d bytes allocated for 28 bytes of data: not sparse", st.Blocks*512)
	}
	if _, err := os.Lstat(p + sparse.PackedSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the packed name is on the host: %v", err)
	}
	damaged := packed.Bytes()[:packed.Len()-4]
	if _, err := untar(tarOf(damaged), t.TempDir()); err == nil || !strings.Contains(err.Error(), "img/disk.img") {
		t.Errorf("a damaged packed file: error %v, want one naming img/disk.img", err)
	}
}

// BenchmarkUntarTree unpacks a tree shaped like a small root filesystem:
// 5,000 files of 20 KiB in 250 directories.
func BenchmarkUntarTree(b *testing.B) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	data := bytes.Repeat([]byte("cairn "), 20<<10/6)
	for d := range 250 {
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("usr/d%03d/", d), Typeflag: tar.TypeDir, Mode: 0o755})
		for f := range 20 {
			tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("usr/d%03d/f%02d", d, f), Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data))})
			tw.Write(data)
		}
	}
	tw.Close()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		dir := b.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "usr"), 0o755); err != nil {
			b.Fatal(err)
		}
		if _, err := untar(bytes.NewReader(buf.Bytes()), dir); err != nil {
			b.Fatal(err)
		}
	}
}
