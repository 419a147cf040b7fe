package iso9660

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

// richTree builds a source tree exercising names, modes, owners,
// symlinks, hard links, depth and large directories.
func richTree(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	w := func(rel, data string, mode os.FileMode) { writeFile(t, filepath.Join(src, rel), []byte(data), mode) }
	w("bin/sh", "#!/bin/sh\n", 0o755)
	w("bin/su", "setuid", 0o4755)
	w("etc/shadow", "secret", 0o640)
	w("empty", "", 0o644)
	w("tmp/.keep", "", 0o644)
	testutil.Must(t, os.Chmod(filepath.Join(src, "tmp"), 0o1777))
	w("longfilename1.txt", "1", 0o644)
	w("longfilename2.txt", "2", 0o644)
	w("LongFileName1.TXT", "3", 0o644)
	w("a*b", "4", 0o644)
	w("a?b", "5", 0o644)
	w("café/日本語のファイル名.txt", "6", 0o644)
	w("emoji😀.txt", "7", 0o644)
	w(strings.Repeat("n", 255), "255-byte name", 0o600)
	w(strings.Repeat("j", 70)+".conf", "joliet cut", 0o644)
	w(strings.Repeat("j", 71)+".conf", "joliet cut 2", 0o644)
	w("d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/deep", "deep", 0o644)
	for i := range 150 {
		w(fmt.Sprintf("many/file-with-a-longer-name-%03d.data", i), fmt.Sprint(i), 0o644)
	}
	w("hard/one", "shared data", 0o644)
	testutil.Must(t, os.Link(filepath.Join(src, "hard/one"), filepath.Join(src, "hard/two")))
	for name, target := range map[string]string{
		"links/rel": "../bin/sh", "links/abs": "/usr/lib/x/./y", "links/dot": ".", "links/up": "..",
		"links/long":     strings.Repeat("component/", 60) + "end",
		"links/longcomp": strings.Repeat("c", 255) + "/" + strings.Repeat("d", 250),
	} {
		testutil.Must(t, os.MkdirAll(filepath.Join(src, "links"), 0o755))
		testutil.Must(t, os.Symlink(target, filepath.Join(src, name)))
	}
	testutil.Must(t, os.MkdirAll(filepath.Join(src, "emptydir"), 0o700))
	if os.Geteuid() == 0 {
		testutil.Must(t, os.Lchown(filepath.Join(src, "etc/shadow"), 0, 42))
		testutil.Must(t, os.Lchown(filepath.Join(src, "emptydir"), 1234, 5678))
		testutil.Must(t, os.Lchown(filepath.Join(src, "links/rel"), 7, 8))
	}
	return src
}

func TestRockRidgeMatchesSource(t *testing.T) {
	src := richTree(t)
	iso := writeISO(t, src, Options{Epoch: 1700000000})[0].Path
	got, want := lsdl(t, iso, "any"), expectLs(t, src)
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s missing from the Rock Ridge tree", p)
		} else if p != "/" && g != w {
			t.Errorf("%s: xorriso shows %+v, want %+v", p, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("image has %d entries, source %d", len(got), len(want))
	}
}

func TestExtractedTreeEqualsSource(t *testing.T) {
	src := richTree(t)
	const epoch = 1234567890
	iso := writeISO(t, src, Options{Epoch: epoch})[0].Path
	sameTree(t, src, extract(t, iso), epoch)
}

// sameTree compares the tree at out, read back from an image, with src:
// modes, contents, link targets, and mtimes equal to epoch.
func sameTree(t *testing.T, src, out string, epoch int64) {
	t.Helper()
	testutil.Must(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		testutil.Must(t, err)
		rel, _ := filepath.Rel(src, p)
		q := filepath.Join(out, rel)
		a, err := os.Lstat(p)
		testutil.Must(t, err)
		b, err := os.Lstat(q)
		if err != nil {
			t.Errorf("%s: not read back: %v", rel, err)
			return nil
		}
		if a.Mode() != b.Mode() {
			t.Errorf("%s: mode %v, want %v", rel, b.Mode(), a.Mode())
		}
		if b.Mode()&fs.ModeSymlink == 0 && b.ModTime().Unix() != epoch {
			t.Errorf("%s: mtime %v, want the epoch", rel, b.ModTime().UTC())
		}
		switch {
		case a.Mode().IsRegular():
			x, _ := os.ReadFile(p)
			y, _ := os.ReadFile(q)
			if !bytes.Equal(x, y) {
				t.Errorf("%s: content differs", rel)
			}
		case a.Mode()&fs.ModeSymlink != 0:
			x, _ := os.Readlink(p)
			y, _ := os.Readlink(q)
			if x != y {
				t.Errorf("%s: link to %q, want %q", rel, y, x)
			}
		}
		return nil
	}))
}

func TestHardLinksShareAnExtent(t *testing.T) {
	src := richTree(t)
	iso := writeISO(t, src, Options{})[0].Path
	lba := map[string]string{}
	for _, line := range strings.Split(tool(t, "isoinfo", "-R", "-l", "-i", iso), "\n") {
		f := strings.Fields(line)
		if n := len(f); n > 0 && (f[n-1] == "one" || f[n-1] == "two") {
			lba[f[n-1]] = strings.Fields(line[strings.Index(line, "[")+1:])[0]
			if f[1] != "2" {
				t.Errorf("hard link %s not shown with 2 links: %s", f[n-1], line)
			}
		}
	}
	if lba["one"] == "" || lba["one"] != lba["two"] {
		t.Errorf("hard links at sectors %v, want one shared extent", lba)
	}
}

func TestJolietNames(t *testing.T) {
	src := richTree(t)
	iso := writeISO(t, src, Options{})[0].Path
	got := lsdl(t, iso, "norock")
	j70, j71 := strings.Repeat("j", 70)+".conf", strings.Repeat("j", 71)+".conf"
	for _, p := range []string{"/bin/sh", "/café/日本語のファイル名.txt", "/emoji😀.txt", "/a_b", "/a_b_1",
		"/" + strings.Repeat("j", 59) + ".conf", "/" + strings.Repeat("j", 57) + "_1.conf",
		"/" + strings.Repeat("n", 64), "/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/deep", "/emptydir"} {
		if _, ok := got[p]; !ok {
			t.Errorf("Joliet tree lacks %s", p)
		}
	}
	for p := range got {
		if strings.HasPrefix(p, "/links/") {
			t.Errorf("Joliet tree has symlink %s; Joliet cannot express links", p)
		}
		if len([]rune(filepath.Base(p))) > jolietMax {
			t.Errorf("Joliet name %s longer than 64 characters", p)
		}
	}
	if got["/"+strings.Repeat("j", 59)+".conf"].size != itoa(int64(len("joliet cut"))) {
		t.Errorf("%s should keep the plain cut name, as it sorts before %s", j70, j71)
	}
	if ls := tool(t, "isoinfo", "-J", "-l", "-i", iso); !strings.Contains(ls, "sh;1") {
		t.Errorf("isoinfo -J -l does not show the Joliet file identifier sh;1:\n%s", ls)
	}
}

func TestISONamesAreUnique83(t *testing.T) {
	src := richTree(t)
	iso := writeISO(t, src, Options{})[0].Path
	got := lsdl(t, iso, "ecma119")
	for _, p := range []string{"/LONGFILE.TXT", "/LONGFI_1.TXT", "/LONGFI_2.TXT", "/BIN/SH", "/D1/D2/D3/D4/D5/D6/D7/D8/D9/D10/DEEP", "/_KEEP"} {
		if !strings.Contains(strings.Join(keys(got), "\n"), p) {
			t.Errorf("ISO 9660 tree lacks %s; have %v", p, keys(got))
		}
	}
	for p := range got {
		if p == "/" {
			continue
		}
		base := filepath.Base(p)
		name, ext, _ := strings.Cut(base, ".")
		if len(name) > 8 || len(ext) > 3 || strings.Trim(base, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != "" {
			t.Errorf("ISO identifier %s is not 8.3 d-characters", p)
		}
	}
}

// keys lists a map's keys.
func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDescriptorFields(t *testing.T) {
	src := richTree(t)
	imgs := writeISO(t, src, Options{VolumeID: "My Disc 1.0", VolumeSetID: "MYSET", Epoch: 1700000000})
	f := isoinfoFields(t, imgs[0].Path)
	for k, v := range map[string]string{"Volume id": "My Disc 1.0", "Volume set id": "MYSET", "Volume set size is": "1",
		"Volume set sequence number is": "1", "Logical block size is": "2048", "Application id": applicationID} {
		if f[k] != v {
			t.Errorf("isoinfo %s = %q, want %q", k, f[k], v)
		}
	}
	out := tool(t, "isoinfo", "-d", "-i", imgs[0].Path)
	for _, want := range []string{"Joliet with UCS level 3 found", "Rock Ridge signatures version 1 found"} {
		if !strings.Contains(out, want) {
			t.Errorf("isoinfo -d lacks %q:\n%s", want, out)
		}
	}
	pvd := readAt(t, imgs[0].Path, 16*sectorSize, sectorSize)
	stamp := time.Unix(1700000000, 0).UTC().Format("20060102150405") + "00\x00"
	for name, at := range map[string]int{"creation": 813, "modification": 830, "effective": 864} {
		if string(pvd[at:at+17]) != stamp {
			t.Errorf("%s date %q, want %q", name, pvd[at:at+17], stamp)
		}
	}
	if string(pvd[847:864]) != "0000000000000000\x00" {
		t.Errorf("expiration date %q, want unset", pvd[847:864])
	}
}

func TestVerifiers(t *testing.T) {
	src := richTree(t)
	iso := writeISO(t, src, Options{Epoch: 1})[0].Path
	if out := tool(t, "isovfy", "-i", iso); !strings.Contains(out, "No errors found") {
		t.Errorf("isovfy:\n%s", out)
	}
}

// readAt reads n bytes of a file at off.
func readAt(t *testing.T, path string, off int64, n int) []byte {
	t.Helper()
	f, err := os.Open(path)
	testutil.Must(t, err)
	defer f.Close()
	b := make([]byte, n)
	_, err = f.ReadAt(b, off)
	testutil.Must(t, err)
	return b
}

func TestLoopMountReadsImage(t *testing.T) {
	src := richTree(t)
	iso := writeISO(t, src, Options{Epoch: 99})[0].Path
	sameTree(t, src, loopMount(t, iso), 99)
}

// loopMount mounts an image read-only with the kernel's isofs, or skips
// the test where this sandbox cannot.
func loopMount(t *testing.T, iso string) string {
	t.Helper()
	mnt, why := mountISO(t, iso)
	if mnt == "" {
		t.Skip(why)
	}
	return mnt
}

// mountISO loop-mounts an image read-only until the test ends; where
// that is impossible it returns "" and why.
func mountISO(t *testing.T, iso string) (string, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return "", "loop mounting needs root"
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-o", "loop,ro", "-t", "iso9660", iso, mnt).CombinedOutput(); err != nil {
		return "", fmt.Sprintf("cannot loop-mount here (%v: %s); the Linux isofs check needs a kernel with iso9660 and loop devices", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	return mnt, ""
}
