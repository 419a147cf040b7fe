package fat

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

// benchTree makes about 100 MB of files of mixed sizes in 20 directories
// (1,000 files), once per process.
func benchTree(b testing.TB) string {
	b.Helper()
	root := b.TempDir()
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	sizes := []int{100, 3000, 20000, 60000, 200000, 400000}
	for i := range 1000 {
		dir := filepath.Join(root, fmt.Sprintf("dir%02d", i%20))
		testutil.Must(b, os.MkdirAll(dir, 0o755))
		n := sizes[i%len(sizes)]
		off := r.IntN(len(data) - n)
		testutil.Must(b, os.WriteFile(filepath.Join(dir, fmt.Sprintf("file with a long name %04d.bin", i)), data[off:off+n], 0o644))
	}
	return root
}

// BenchmarkWrite100MB writes a FAT image of benchTree (Scan, Plan and
// WriteTo; no fsync).
func BenchmarkWrite100MB(b *testing.B) {
	src := benchTree(b)
	out := filepath.Join(b.TempDir(), "fat.img")
	for b.Loop() {
		writeImage(b, src, out)
	}
}

// writeImage writes the image of src to out.
func writeImage(b testing.TB, src, out string) {
	tree, err := Scan(src)
	testutil.Must(b, err)
	v, err := Plan(tree, Options{Epoch: 1})
	testutil.Must(b, err)
	f, err := os.Create(out)
	testutil.Must(b, err)
	testutil.Must(b, f.Truncate(v.Size()))
	testutil.Must(b, v.WriteTo(f))
	testutil.Must(b, f.Close())
}

// TestSpeedVersusMtools compares writing the image with running mkfs.vfat
// and "mcopy -s" on the same tree (neither syncs); CAIRN_FAT_TIMING=1
// runs it.
func TestSpeedVersusMtools(t *testing.T) {
	if os.Getenv("CAIRN_FAT_TIMING") == "" {
		t.Skip("timing only: set CAIRN_FAT_TIMING=1")
	}
	src := benchTree(t)
	dir := t.TempDir()
	start := time.Now()
	writeImage(t, src, filepath.Join(dir, "ours.img"))
	ours := time.Since(start)
	info, err := os.Stat(filepath.Join(dir, "ours.img"))
	testutil.Must(t, err)
	start = time.Now()
	img := filepath.Join(dir, "mtools.img")
	run(t, "mkfs.vfat", "-C", img, fmt.Sprint(info.Size()>>10))
	ents, err := os.ReadDir(src)
	testutil.Must(t, err)
	args := []string{"-s", "-i", img}
	for _, e := range ents {
		args = append(args, filepath.Join(src, e.Name()))
	}
	run(t, "mcopy", append(args, "::/")...)
	theirs := time.Since(start)
	t.Logf("internal/ingraph/fat %v, mkfs.vfat+mcopy -s %v: ratio %.2f", ours, theirs, float64(ours)/float64(theirs))
}
