package fat

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestEmptyEqualsMkfsFat checks that an empty tree gives the very bytes
// "mkfs.fat --invariant" writes for the same size, serial, label and
// hidden sectors: the geometry, boot sector, FSInfo and FATs all match.
func TestEmptyEqualsMkfsFat(t *testing.T) {
	need(t, "mkfs.fat")
	empty := t.TempDir()
	for _, c := range []struct {
		mib   int64
		force bool
	}{{1, false}, {2, false}, {5, false}, {16, false}, {33, false}, {100, false}, {300, false}, {511, false}, {512, false}, {1100, false}, {33, true}, {64, true}, {300, true}} {
		t.Run(fmt.Sprintf("%dMiB-force32=%v", c.mib, c.force), func(t *testing.T) {
			opts := Options{Size: c.mib << 20, Label: "CAIRN", Serial: 0x1234abcd, Offset: 2048 * 512, Epoch: 1426325213}
			args := []string{"--invariant", "-i", "1234abcd", "-n", "CAIRN", "-h", "2048"}
			if c.force {
				opts.Kind = FAT32
				args = append(args, "-F", "32")
			}
			ours, v := build(t, empty, opts)
			theirs := filepath.Join(t.TempDir(), "mkfs.img")
			run(t, "mkfs.fat", append(args, "-C", theirs, fmt.Sprint(c.mib<<10))...)
			// Past the root directory both are zeros (sparse).
			n := v.geo.clusterOffset(2) + v.geo.clusterBytes()
			a, b := head(t, ours, n), head(t, theirs, n)
			if !bytes.Equal(a, b) {
				t.Errorf("FAT%d image differs from mkfs.fat's at byte %d", v.Bits(), firstDiff(a, b))
			}
			if sa, sb := size(t, ours), size(t, theirs); sa != sb {
				t.Errorf("size %d, mkfs.fat %d", sa, sb)
			}
			t.Logf("FAT%d, %d clusters of %d bytes", v.Bits(), v.geo.clusters, v.geo.clusterBytes())
		})
	}
}

// firstDiff returns the first offset where a and b differ.
func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// head returns the first n bytes of a file.
func head(t *testing.T, path string, n int64) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, 0); err != nil {
		t.Fatal(err)
	}
	return b
}

// size returns a file's size.
func size(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
