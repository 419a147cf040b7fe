package fat

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

func TestMinFAT32(t *testing.T) {
	if got := MinFAT32(); got != 33<<20 {
		t.Errorf("MinFAT32 = %d, want 33 MiB", got)
	}
	tree, err := Scan(t.TempDir())
	testutil.Must(t, err)
	_, err = Plan(tree, Options{Kind: FAT32, Size: 32 << 20})
	var small *TooSmallError
	if !errors.As(err, &small) || !small.FAT32 || small.Need != 33<<20 {
		t.Errorf("got %v, want FAT32 minimum error", err)
	}
}

func TestAutoSize(t *testing.T) {
	for _, c := range []struct {
		files, size int
		kind        Kind
		want        int64 // MiB
		bits        int
	}{
		{0, 0, Auto, 2, 12},
		{3, 100, Auto, 2, 12},
		{1, 10 << 20, Auto, 12, 16},
		{0, 0, FAT32, 33, 32},
		{50, 1 << 20, FAT32, 56, 32},
	} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			tc := content{}
			for i := range c.files {
				tc[fmt.Sprintf("f%d", i)] = strings.Repeat("x", c.size)
			}
			_, v := build(t, makeTree(t, tc), Options{Kind: c.kind})
			if v.Size() != c.want<<20 || v.Bits() != c.bits {
				t.Errorf("auto size %d MiB FAT%d, want %d MiB FAT%d", v.Size()>>20, v.Bits(), c.want, c.bits)
			}
			free := int64(v.geo.clusters-(v.last-1)) * v.geo.clusterBytes()
			used := int64(v.last-1) * v.geo.clusterBytes()
			if free < 1<<20 || free < used/10 {
				t.Errorf("only %d bytes free for %d used", free, used)
			}
		})
	}
}

func TestTooSmall(t *testing.T) {
	src := makeTree(t, content{"big": strings.Repeat("y", 5<<20)})
	tree, err := Scan(src)
	testutil.Must(t, err)
	_, err = Plan(tree, Options{Size: 4 << 20})
	var small *TooSmallError
	if !errors.As(err, &small) || small.Need != 6<<20 || small.Have != 4<<20 || small.FAT32 {
		t.Fatalf("got %#v", err)
	}
	img, _ := build(t, src, Options{Size: small.Need})
	fsckClean(t, img)
}

// TestBigRoot puts more entries in a FAT16 root directory than mkfs.fat's
// 512 slots; the slot count grows to fit.
func TestBigRoot(t *testing.T) {
	need(t, "fsck.fat", "mcopy")
	c := content{}
	for i := range 300 {
		c[fmt.Sprintf("root file %03d.txt", i)] = fmt.Sprint(i)
	}
	img, v := build(t, makeTree(t, c), Options{Size: 16 << 20, Label: "ROOT"})
	if v.Bits() != 16 || v.geo.rootEntries < 901 {
		t.Fatalf("FAT%d with %d root slots", v.Bits(), v.geo.rootEntries)
	}
	fsckClean(t, img)
	diffContent(t, readTree(t, mcopyOut(t, img)), c)
}

// TestTimestamps reads dates back with mdir.
func TestTimestamps(t *testing.T) {
	need(t, "mdir")
	src := makeTree(t, content{"f.txt": "x", "d": dirMark})
	for epoch, want := range map[int64]string{1700000000: "2023-11-14  22:13", 0: "1980-01-01   0:00"} {
		img, _ := build(t, src, Options{Epoch: epoch, Label: "T"})
		out := run(t, "mdir", "-i", img, "::/")
		if strings.Count(out, want) != 2 {
			t.Errorf("epoch %d: want 2 entries dated %q:\n%s", epoch, want, out)
		}
	}
}
