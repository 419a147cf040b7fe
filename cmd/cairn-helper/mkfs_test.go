package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
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
			must(t, os.MkdirAll(full, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(full), 0o755))
		must(t, os.WriteFile(full, []byte(spec[p]), 0o644))
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

// mkfsRun runs the mkfs subcommand in-process and decodes its JSON line.
func mkfsRun(t *testing.T, args ...string) mkfsResult {
	t.Helper()
	r := runWith(nil, append([]string{"mkfs"}, args...)...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("mkfs %q: %+v", args, r)
	}
	var res mkfsResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || !strings.HasSuffix(r.stdout, "}\n") || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("mkfs stdout %q: %v", r.stdout, err)
	}
	return res
}

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
	must(t, err)
	return b
}

// mkfsFiles maps the regular files and directories below root to their
// contents ("/" for directories), as mkfsSpec does.
func mkfsFiles(t *testing.T, root string) mkfsSpec {
	t.Helper()
	got := mkfsSpec{}
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
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
	args := []string{"--type", "fat", "--label", "esp", "--epoch", "1700000000", "--offset", "1048576"}
	res := mkfsRun(t, append(args, src, img)...)
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
	again := filepath.Join(dir, "again.img")
	mkfsRun(t, append(args, other, again)...)
	if !bytes.Equal(mkfsRead(t, img), mkfsRead(t, again)) {
		t.Error("a tree created in another order gives another image")
	}
	salted := mkfsRun(t, append(args, "--id-salt", "second", src, filepath.Join(dir, "salted.img"))...)
	if salted.UUID == res.UUID {
		t.Error("--id-salt does not change the serial")
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
			res := mkfsRun(t, "--type", c.typ, mkfsMake(t, c.spec, false), img)
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
		typ, size, want string
	}{
		{"fat", "2097152", "cairn-helper: mkfs: contents need at least 6 MiB (6291456 bytes) as fat; the partition is 2 MiB: raise size=\n"},
		{"fat32", "20971520", "cairn-helper: mkfs: FAT32 needs at least 33 MiB (34603008 bytes) for its 65525 clusters; the partition is 20 MiB: raise size= or use type fat\n"},
		{"ext4", "4194304", "cairn-helper: mkfs: contents need at least 10 MiB (10485760 bytes) as ext4; the partition is 4 MiB: raise size=\n"},
		{"squashfs", "4096", "cairn-helper: mkfs: contents need at least 6 MiB (6291456 bytes) as squashfs; the partition is 4096 bytes: raise size=\n"},
	} {
		out := filepath.Join(t.TempDir(), "img")
		r := runWith(nil, "mkfs", "--type", c.typ, "--size", c.size, src, out)
		if r.code != 1 || r.stdout != "" || r.stderr != c.want {
			t.Errorf("%s: %+v\nwant %q", c.typ, r, c.want)
		}
		if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
			t.Errorf("%s: left %v behind", c.typ, ents)
		}
		if c.typ == "fat32" {
			continue
		}
		need := strings.Fields(strings.SplitAfter(c.want, "(")[1])[0]
		if res := mkfsRun(t, "--type", c.typ, "--size", need, src, out); fmt.Sprint(res.Size) != need {
			t.Errorf("%s: the size asked for, %s, gives %+v", c.typ, need, res)
		}
	}
}

func TestMkfsErrors(t *testing.T) {
	src := mkfsMake(t, mkfsSpec{"Readme": "a", "README": "b"}, false)
	out := filepath.Join(t.TempDir(), "img")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--type", "zfs", src, out}, 2, `--type "zfs"`},
		{[]string{"--type", "fat", "--size", "-1", src, out}, 2, "must not be negative"},
		{[]string{"--type", "fat", src}, 2, "want 2 arguments"},
		{[]string{"--type", "fat", src, out}, 1, `differ only in case`},
		{[]string{"--type", "fat", "--label", "a.b", t.TempDir(), out}, 1, `FAT label "a.b" contains '.'`},
		{[]string{"--type", "fat", "--offset", "100", t.TempDir(), out}, 1, "not a multiple of 512"},
		{[]string{"--type", "ext4", "--label", "seventeen-letters", t.TempDir(), out}, 1, "longer than 16 bytes"},
		{[]string{"--type", "squashfs", "--label", "x", t.TempDir(), out}, 1, "squashfs has no volume label"},
	} {
		r := runWith(nil, append([]string{"mkfs"}, c.args...)...)
		if r.code != c.code || !strings.HasPrefix(r.stderr, "cairn-helper: mkfs: ") || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: %+v, want exit %d and %q", c.args, r, c.code, c.want)
		}
	}
}

func TestMkfsMissingTool(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	src, out := t.TempDir(), filepath.Join(t.TempDir(), "img")
	for typ, want := range map[string]string{
		"ext4":     "cairn-helper: mkfs: mke2fs not found in PATH: the tools root needs e2fsprogs\n",
		"squashfs": "cairn-helper: mkfs: mksquashfs not found in PATH: the tools root needs squashfs-tools\n",
	} {
		if r := runWith(nil, "mkfs", "--type", typ, src, out); r.code != 1 || r.stderr != want {
			t.Errorf("%s: %+v", typ, r)
		}
	}
}

// mkfsNoise returns n reproducible pseudo-random bytes.
func mkfsNoise(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}
