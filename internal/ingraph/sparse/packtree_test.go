package sparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// RunPack packs what has enough holes, keeps the file's mode and time
// and its directory's time, and leaves everything else alone.
func TestRunPack(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "images")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte, size int64) string {
		p := filepath.Join(sub, name)
		if err := os.WriteFile(p, data, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, size); err != nil {
			t.Fatal(err)
		}
		return p
	}
	disk := write("disk.img", []byte("boot sector"), 40<<20)
	small := write("small.img", []byte("x"), 1<<20)
	full := write("full.bin", make([]byte, 0), 0)
	if err := os.WriteFile(full, []byte(strings.Repeat("data", 1<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	stamp := time.Unix(1700000000, 0)
	for _, p := range []string{disk, small, full, sub} {
		os.Chtimes(p, stamp, stamp)
	}
	if err := RunPack(request.Pack{Dir: dir, MinHoles: 16 << 20}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(disk); !os.IsNotExist(err) {
		t.Errorf("disk.img is still there: %v", err)
	}
	fi, err := os.Stat(disk + PackedSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 || !fi.ModTime().Equal(stamp) || fi.Size() > 1<<20 {
		t.Errorf("packed file: mode %v, time %v, size %d", fi.Mode(), fi.ModTime(), fi.Size())
	}
	for _, p := range []string{small, full} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was packed or lost: %v", filepath.Base(p), err)
		}
	}
	if fi, err := os.Stat(sub); err != nil || !fi.ModTime().Equal(stamp) {
		t.Errorf("the directory's time changed: %v, %v", fi.ModTime(), err)
	}
	err = RunPack(request.Pack{Dir: dir, MinHoles: 16 << 20})
	if err == nil || !strings.Contains(err.Error(), "the output holds images/disk.img.cairn-sparse") {
		t.Errorf("a file already named *%s: error %v", PackedSuffix, err)
	}
}
