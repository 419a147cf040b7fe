package fat

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// content maps slash paths below a root to file contents; directories
// map to dirMark.
type content map[string]string

// dirMark marks a directory in a content map.
const dirMark = "<dir>"

// makeTree creates c below a new directory and returns it.
func makeTree(t testing.TB, c content) string {
	t.Helper()
	root := t.TempDir()
	for p, data := range c {
		full := filepath.Join(root, filepath.FromSlash(p))
		if data == dirMark {
			testutil.Must(t, os.MkdirAll(full, 0o755))
			continue
		}
		testutil.Must(t, os.MkdirAll(filepath.Dir(full), 0o755))
		testutil.Must(t, os.WriteFile(full, []byte(data), 0o644))
	}
	return root
}

// readTree reads a directory back into a content map.
func readTree(t testing.TB, root string) content {
	t.Helper()
	c := content{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+"/"))
		if d.IsDir() {
			c[rel] = dirMark
			return nil
		}
		b, err := os.ReadFile(p)
		c[rel] = string(b)
		return err
	})
	testutil.Must(t, err)
	return c
}

// tricky is a tree exercising names, depths, sizes and directory sizes.
func tricky() content {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 3<<20+17)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	c := content{
		"README.TXT":                  "exact 8.3\n",
		"readme.md":                   "lower case 8.3\n",
		"Makefile":                    "all:\n",
		"a.b.c.tar.gz":                "dots\n",
		".hidden":                     "dot file\n",
		"name  with   spaces.txt":     "spaces\n",
		"x+y=z[1];a,b.txt":            "invalid short characters\n",
		"héllo wörld.txt":             "latin-1\n",
		"日本語のファイル名.txt":               "cjk\n",
		strings.Repeat("long", 60):    "240 characters\n",
		"EFI/BOOT/BOOTX64.EFI":        string(random[:70000]),
		"empty-file":                  "",
		"empty-dir":                   dirMark,
		"sizes/one":                   "1",
		"sizes/cluster":               string(random[:2048]),
		"sizes/cluster+1":             string(random[:2049]),
		"sizes/random":                string(random),
		"sizes/zeros-then-data":       string(make([]byte, 1<<20)) + "end",
		"sizes/zeros":                 string(make([]byte, 1<<20)),
		"sizes/data-zeros-data":       string(random[:5000]) + string(make([]byte, 20000)) + "z",
		"deep/" + deepPath(30) + "/f": "deep\n",
	}
	for i := range 14 {
		c[fmt.Sprintf("collide/verylongname%02d.txt", i)] = fmt.Sprint(i)
	}
	for i := range 400 {
		c[fmt.Sprintf("many/file number %03d with a long name.dat", i)] = fmt.Sprint(i)
	}
	return c
}

// deepPath returns n nested directory names.
func deepPath(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("level %02d", i)
	}
	return strings.Join(parts, "/")
}

// withLinks adds symbolic and hard links to the tree at root and returns
// what they read as on the image (FAT copies link targets).
func withLinks(t testing.TB, root string, c content) content {
	t.Helper()
	testutil.Must(t, os.Symlink("readme.md", filepath.Join(root, "link-to-file")))
	testutil.Must(t, os.Symlink("/sizes/one", filepath.Join(root, "absolute-link")))
	testutil.Must(t, os.Symlink("../collide", filepath.Join(root, "deep", "link-to-dir")))
	testutil.Must(t, os.Link(filepath.Join(root, "Makefile"), filepath.Join(root, "hard-link")))
	want := content{}
	for p, d := range c {
		want[p] = d
		if rest, ok := strings.CutPrefix(p, "collide/"); ok {
			want["deep/link-to-dir/"+rest] = d
		}
	}
	want["link-to-file"], want["absolute-link"], want["hard-link"] = c["readme.md"], c["sizes/one"], c["Makefile"]
	want["deep/link-to-dir"] = dirMark
	for dir := "deep/" + deepPath(30); dir != "."; dir = filepath.Dir(dir) {
		want[dir] = dirMark
	}
	for _, dir := range []string{"EFI", "EFI/BOOT", "sizes", "collide", "many"} {
		want[dir] = dirMark
	}
	return want
}

// fsckClean runs "fsck.fat -n" and fails on any complaint.
func fsckClean(t testing.TB, img string) {
	t.Helper()
	out, err := exec.Command("fsck.fat", "-n", img).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(lines) != 2 || !strings.Contains(lines[1], " files, ") {
		t.Errorf("fsck.fat -n %s: %v\n%s", img, err, out)
	}
}

// mcopyOut extracts the image with "mcopy -s" into a new directory.
func mcopyOut(t testing.TB, img string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("mcopy", "-s", "-n", "-i", img, "::/", dir)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mcopy: %v\n%s", err, out)
	}
	return dir
}

// diffContent reports differences between got and want.
func diffContent(t testing.TB, got, want content) {
	t.Helper()
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s: missing from the image", p)
		} else if g != w {
			t.Errorf("%s: content differs (%d bytes, want %d)", p, len(g), len(w))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: unexpected on the image", p)
		}
	}
}

// TestWitnesses writes the tricky tree as FAT12, FAT16 and FAT32 and
// checks it with fsck.fat and reads it back with mtools.
func TestWitnesses(t *testing.T) {
	need(t, "fsck.fat", "mcopy", "mtype", "mdir")
	c := tricky()
	src := makeTree(t, c)
	want := withLinks(t, src, c)
	for _, o := range []Options{
		{Size: 16 << 20, Label: "ESP", Serial: 7, Epoch: 1700000000},
		{Size: 8 << 20, Epoch: 0},
		{Kind: FAT32, Label: "big", Serial: 0xDEADBEEF, Offset: 1 << 20, Epoch: 4102444800},
		{Size: 600 << 20, Epoch: 1},
	} {
		img, v := build(t, src, o)
		t.Run(fmt.Sprintf("FAT%d-%dMiB", v.Bits(), v.Size()>>20), func(t *testing.T) {
			fsckClean(t, img)
			diffContent(t, readTree(t, mcopyOut(t, img)), want)
			got := run(t, "mtype", "-i", img, "::/a.b.c.tar.gz")
			if got != "dots\n" {
				t.Errorf("mtype: %q", got)
			}
		})
	}
}

// TestDeterministic writes the same tree twice, and a copy of it made in
// another order, and expects identical bytes.
func TestDeterministic(t *testing.T) {
	c := tricky()
	a := makeTree(t, c)
	b := t.TempDir()
	paths := make([]string, 0, len(c))
	for p := range c {
		paths = append(paths, p)
	}
	for i := len(paths) - 1; i >= 0; i-- { // reverse of some order
		one := makeTree(t, content{paths[i]: c[paths[i]]})
		testutil.Must(t, os.CopyFS(b, os.DirFS(one)))
	}
	opts := Options{Label: "SAME", Serial: 1, Epoch: 1234567890}
	x, _ := build(t, a, opts)
	y, _ := build(t, a, opts)
	z, _ := build(t, b, opts)
	bx, by, bz := readFile(t, x), readFile(t, y), readFile(t, z)
	if !bytes.Equal(bx, by) || !bytes.Equal(bx, bz) {
		t.Errorf("images differ: twice %v, other order %v", bytes.Equal(bx, by), bytes.Equal(bx, bz))
	}
}

// readFile reads a whole file.
func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	testutil.Must(t, err)
	return b
}
