package sparse

import (
	"os"
	"path/filepath"
	"testing"
)

// A file with data at its start and end and a hole between: the hole is
// reported as such (on file systems that track holes) and the data is
// covered whatever the file system.
func TestRanges(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const size = 64 << 20
	if _, err := f.WriteAt([]byte("start"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("end"), size-3); err != nil {
		t.Fatal(err)
	}
	rs := Ranges(f, 0, size)
	covered := func(off int64) bool {
		for _, r := range rs {
			if r.Start <= off && off < r.End {
				return true
			}
		}
		return false
	}
	if !covered(0) || !covered(size-1) {
		t.Errorf("data not covered: %v", rs)
	}
	var n int64
	for _, r := range rs {
		n += r.End - r.Start
	}
	if n == size {
		t.Logf("this file system reports no holes (%v)", rs)
	} else if covered(size / 2) {
		t.Errorf("the hole in the middle is reported as data: %v", rs)
	}
	if got := Ranges(f, 1<<20, 2<<20); len(got) > 1 {
		t.Errorf("a span inside the hole: %v, want at most one range", got)
	}
}
