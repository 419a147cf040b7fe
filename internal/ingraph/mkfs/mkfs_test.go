package mkfs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// mkfsSpec describes a test tree: slash paths to contents, "/" suffix
// for directories.
type mkfsSpec map[string]string

// mkfsMake creates spec below a new directory, in sorted or reverse
// sorted order of paths, so two trees differ in creation order.
func mkfsMake(t *testing.T, spec mkfsSpec, reverse bool) string {
	t.Helper()
	root := t.TempDir()
	paths := make([]string, 0, len(spec))
	for p := range spec {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if reverse {
		for i, j := 0, len(paths)-1; i < j; i, j = i+1, j-1 {
			paths[i], paths[j] = paths[j], paths[i]
		}
	}
	for _, p := range paths {
		full := filepath.Join(root, p)
		if strings.HasSuffix(p, "/") {
			testutil.Must(t, os.MkdirAll(full, 0o755))
			continue
		}
		testutil.Must(t, os.MkdirAll(filepath.Dir(full), 0o755))
		testutil.Must(t, os.WriteFile(full, []byte(spec[p]), 0o644))
	}
	return root
}

// mkfsTricky is a tree with long, Unicode and case-mixed names, deep and
// empty directories, empty files and a directory of many entries.
func mkfsTricky() mkfsSpec {
	s := mkfsSpec{
		"EFI/BOOT/BOOTX64.EFI":                          strings.Repeat("MZ", 40000),
		"EFI/debian/grub.cfg":                           "search --label root\n",
		"A rather long file name, with spaces.txt":      "long\n",
		"héllo wörld — ünïcode.txt":                     "unicode\n",
		"empty":                                         "",
		"empty-dir/":                                    "",
		"a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/deep file.txt": "deep\n",
	}
	for i := range 300 {
		s[fmt.Sprintf("many/entry number %03d of a big directory.conf", i)] = fmt.Sprintln(i)
	}
	return s
}

// mkfsRun checks and runs req, as the helper does, and returns its result
// after a round trip through the JSON the helper prints.
func mkfsRun(t *testing.T, req request.Mkfs) Result {
	t.Helper()
	res, err := mkfsTry(req)
	if err != nil {
		t.Fatalf("mkfs %+v: %v", req, err)
	}
	line, err := json.Marshal(res)
	testutil.Must(t, err)
	var back Result
	if err := json.Unmarshal(line, &back); err != nil || back != res {
		t.Fatalf("mkfs result %s does not round-trip: %v", line, err)
	}
	return res
}

// mkfsTry checks and runs req; a check failure is a *checkError, what the
// helper reports as a usage error.
func mkfsTry(req request.Mkfs) (Result, error) {
	if err := req.Check(); err != nil {
		return Result{}, &checkError{err}
	}
	return Run(req)
}

// checkError is a request the helper rejects before running it.
type checkError struct{ error }

// mkfsNeed fails the test when a witness tool is missing.
func mkfsNeed(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("witness %s not found in PATH", tool)
		}
	}
}

// mkfsTool runs a witness and returns its output, failing on error.
func mkfsTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// mkfsRead reads a file.
func mkfsRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	testutil.Must(t, err)
	return b
}

// mkfsFiles maps the regular files and directories below root to their
// contents ("/" for directories), as mkfsSpec does.
func mkfsFiles(t *testing.T, root string) mkfsSpec {
	t.Helper()
	got := mkfsSpec{}
	testutil.Must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.IsDir():
			got[rel+"/"] = ""
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			got[rel] = string(b)
			return err
		}
		return nil
	}))
	return got
}

// mkfsSame reports differences between two trees' files.
func mkfsSame(t *testing.T, got, want mkfsSpec) {
	t.Helper()
	for p, w := range want {
		if g, ok := got[p]; !ok || g != w {
			t.Errorf("%s: present %v, content equal %v", p, ok, g == w)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: unexpected", p)
		}
	}
}

// withParents adds every parent directory of spec's paths.
func withParents(spec mkfsSpec) mkfsSpec {
	out := mkfsSpec{}
	for p, c := range spec {
		out[p] = c
		for d := filepath.Dir(strings.TrimSuffix(p, "/")); d != "."; d = filepath.Dir(d) {
			out[d+"/"] = ""
		}
	}
	return out
}

func TestMkfsFAT(t *testing.T) {
	mkfsNeed(t, "fsck.fat", "mcopy")
	spec := mkfsTricky()
	src, other := mkfsMake(t, spec, false), mkfsMake(t, spec, true)
	dir := t.TempDir()
	img := filepath.Join(dir, "esp.img")
	req := request.Mkfs{Type: "fat", Label: "esp", Epoch: 1700000000, Offset: 1048576, Src: src, Out: img}
	res := mkfsRun(t, req)
	if res.Type != "fat12" || res.Label != "ESP" || res.Size%(1<<20) != 0 || len(res.UUID) != 9 {
		t.Errorf("result %+v", res)
	}
	boot := mkfsRead(t, img)[:512]
	if serial := fmt.Sprintf("%04X-%04X", binary.LittleEndian.Uint16(boot[41:]), binary.LittleEndian.Uint16(boot[39:])); serial != res.UUID {
		t.Errorf("boot sector serial %s, JSON %s", serial, res.UUID)
	}
	if hidden := binary.LittleEndian.Uint32(boot[28:]); hidden != 2048 {
		t.Errorf("hidden sectors %d, want 2048", hidden)
	}
	if out := mkfsTool(t, "fsck.fat", "-n", img); strings.Count(out, "\n") != 2 {
		t.Errorf("fsck.fat -n complains:\n%s", out)
	}
	back := t.TempDir()
	mkfsTool(t, "mcopy", "-s", "-n", "-i", img, "::/", back)
	mkfsSame(t, mkfsFiles(t, back), withParents(spec))
	again := req
	again.Src, again.Out = other, filepath.Join(dir, "again.img")
	mkfsRun(t, again)
	if !bytes.Equal(mkfsRead(t, img), mkfsRead(t, again.Out)) {
		t.Error("a tree created in another order gives another image")
	}
	salted := req
	salted.IDSalt, salted.Out = "second", filepath.Join(dir, "salted.img")
	if mkfsRun(t, salted).UUID == res.UUID {
		t.Error("id_salt does not change the serial")
	}
}

func TestMkfsFATAutoSize(t *testing.T) {
	mkfsNeed(t, "fsck.fat")
	many := mkfsSpec{}
	for i := range 2500 {
		many[fmt.Sprintf("d%02d/file %04d.bin", i%25, i)] = strings.Repeat(fmt.Sprint(i), 20000)[:20000]
	}
	for _, c := range []struct {
		name, typ string
		spec      mkfsSpec
		want      string
		min, max  int64 // MiB
	}{
		{"tiny", "fat", mkfsSpec{"x": "x"}, "fat12", 2, 2},
		{"tiny32", "fat32", mkfsSpec{"x": "x"}, "fat32", 33, 33},
		{"50MB", "fat", many, "fat16", 50, 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "fat.img")
			res := mkfsRun(t, request.Mkfs{Type: c.typ, Src: mkfsMake(t, c.spec, false), Out: img})
			if res.Type != c.want || res.Size < c.min<<20 || res.Size > c.max<<20 || res.Size%(1<<20) != 0 {
				t.Errorf("got %+v, want %s of %d..%d MiB", res, c.want, c.min, c.max)
			}
			if out := mkfsTool(t, "fsck.fat", "-n", img); strings.Count(out, "\n") != 2 {
				t.Errorf("fsck.fat -n complains:\n%s", out)
			}
		})
	}
}

func TestMkfsTooSmall(t *testing.T) {
	mkfsNeed(t, "mke2fs", "mksquashfs")
	noise := mkfsNoise(5 << 20) // incompressible, for squashfs
	src := mkfsMake(t, mkfsSpec{"big": string(noise)}, false)
	for _, c := range []struct {
		typ  string
		size int64
		want string
	}{
		{"fat", 2097152, "contents need at least 6 MiB (6291456 bytes) as fat; the partition is 2 MiB: raise size="},
		{"fat32", 20971520, "FAT32 needs at least 33 MiB (34603008 bytes) for its 65525 clusters; the partition is 20 MiB: raise size= or use type fat"},
		{"ext4", 4194304, "contents need at least 10 MiB (10485760 bytes) as ext4; the partition is 4 MiB: raise size="},
		{"squashfs", 4096, "contents need at least 6 MiB (6291456 bytes) as squashfs; the partition is 4096 bytes: raise size="},
	} {
		out := filepath.Join(t.TempDir(), "img")
		res, err := mkfsTry(request.Mkfs{Type: c.typ, Size: c.size, Src: src, Out: out})
		var ce *checkError
		if err == nil || errors.As(err, &ce) || err.Error() != c.want || res != (Result{}) {
			t.Errorf("%s: %+v, %v\nwant %q", c.typ, res, err, c.want)
		}
		if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
			t.Errorf("%s: left %v behind", c.typ, ents)
		}
		if c.typ == "fat32" {
			continue
		}
		need, _ := strconv.ParseInt(strings.Fields(strings.SplitAfter(c.want, "(")[1])[0], 10, 64)
		if res := mkfsRun(t, request.Mkfs{Type: c.typ, Size: need, Src: src, Out: out}); res.Size != need {
			t.Errorf("%s: the size asked for, %d, gives %+v", c.typ, need, res)
		}
	}
}

func TestMkfsErrors(t *testing.T) {
	src := mkfsMake(t, mkfsSpec{"Readme": "a", "README": "b"}, false)
	out := filepath.Join(t.TempDir(), "img")
	for _, c := range []struct {
		req   request.Mkfs
		check bool // rejected by the request's Check, a usage error
		want  string
	}{
		{request.Mkfs{Type: "zfs", Src: src, Out: out}, true, `type "zfs": want fat, fat32, ext4 or squashfs`},
		{request.Mkfs{Type: "fat", Size: -1, Src: src, Out: out}, true, "size must not be negative"},
		{request.Mkfs{Type: "fat", Src: src}, true, "out is required"},
		{request.Mkfs{Type: "fat", Src: src, Out: filepath.Join(src, "img")}, true, "is inside source directory"},
		{request.Mkfs{Type: "fat", Src: src, Out: out}, false, `differ only in case`},
		{request.Mkfs{Type: "fat", Label: "a.b", Src: t.TempDir(), Out: out}, false, `FAT label "a.b" contains '.'`},
		{request.Mkfs{Type: "fat", Offset: 100, Src: t.TempDir(), Out: out}, false, "not a multiple of 512"},
		{request.Mkfs{Type: "ext4", Label: "seventeen-letters", Src: t.TempDir(), Out: out}, false, "longer than 16 bytes"},
		{request.Mkfs{Type: "squashfs", Label: "x", Src: t.TempDir(), Out: out}, false, "squashfs has no volume label"},
	} {
		_, err := mkfsTry(c.req)
		var ce *checkError
		if err == nil || errors.As(err, &ce) != c.check || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want a check error %v with %q", c.req, err, c.check, c.want)
		}
	}
}

func TestMkfsMissingTool(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	src, out := t.TempDir(), filepath.Join(t.TempDir(), "img")
	for typ, want := range map[string]string{
		"ext4":     "mke2fs not found in PATH: the tools root needs e2fsprogs",
		"squashfs": "mksquashfs not found in PATH: the tools root needs squashfs-tools",
	} {
		if _, err := mkfsTry(request.Mkfs{Type: typ, Src: src, Out: out}); err == nil || err.Error() != want {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

// mkfsNoise returns n reproducible pseudo-random bytes.
func mkfsNoise(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}
