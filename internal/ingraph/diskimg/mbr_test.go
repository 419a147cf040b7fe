package diskimg

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// mbrSpec is a four-partition MBR disk with boot code in bytes 0-439 and
// a boot loader blob at an odd offset before the first partition. With a
// root size of 9 GiB the last partitions lie beyond cylinder 1023, so
// CHS clamping shows.
func mbrSpec(t *testing.T, rootSize int64) Spec {
	in := t.TempDir()
	boot := writeFile(t, filepath.Join(in, "boot.img"), pattern(int(mib)+512, 1))
	spl := append(append(pattern(5000, 6), make([]byte, 9000)...), pattern(3, 7)...)
	return Spec{Name: "sd", Table: MBR, Partitions: []Partition{
		{Name: "boot", Type: "fat32", Bootable: true, Image: boot},
		{Name: "root", Type: "linux", Size: rootSize},
		{Name: "swap", Type: "swap", Size: mib},
		{Name: "misc", Type: "0xda", Size: 512 * kib, Offset: rootSize + 8*mib},
	}, RawWrites: []RawWrite{
		{Offset: 0, File: writeFile(t, filepath.Join(in, "mbr.bin"), pattern(440, 5))},
		{Offset: 1001, File: writeFile(t, filepath.Join(in, "spl.bin"), spl)},
	}}
}

func TestMBRWitnesses(t *testing.T) {
	spec := mbrSpec(t, 16*mib)
	r, out := buildIn(t, spec)
	img := filepath.Join(out, "sd.img")
	tab := sfdiskJSON(t, img).PartitionTable
	if tab.Label != "dos" || tab.ID != r.DiskSignature {
		t.Errorf("sfdisk: label %s id %s, want dos %s", tab.Label, tab.ID, r.DiskSignature)
	}
	want := []struct {
		start, size int64
		typ         string
		boot        bool
	}{
		{2048, 4096, "c", true},
		{3 * 2048, 16 * 2048, "83", false},
		{19 * 2048, 2048, "82", false},
		{24 * 2048, 1024, "da", false},
	}
	for i, p := range tab.Partitions {
		w := want[i]
		if p.Start != w.start || p.Size != w.size || p.Type != w.typ || p.Bootable != w.boot {
			t.Errorf("partition %d: sfdisk sees %+v, want %+v", i+1, p, w)
		}
	}
	if len(tab.Partitions) != 4 || r.Partitions[3].PartUUID != strings.TrimPrefix(r.DiskSignature, "0x")+"-04" {
		t.Errorf("partitions: %+v", r.Partitions)
	}
	l := tool(t, nil, "fdisk", "-l", img)
	if !strings.Contains(l, "Disk identifier: "+r.DiskSignature) || !strings.Contains(l, "sd.img1 *") {
		t.Errorf("fdisk -l:\n%s", l)
	}
	checkContents(t, spec, r, img)
}

// TestMBRMatchesSfdisk has sfdisk write the same table into a blank file
// and compares bytes 440-511: signature, entries with their CHS
// addresses, boot signature.
func TestMBRMatchesSfdisk(t *testing.T) {
	r, out := buildIn(t, mbrSpec(t, 9*gib))
	var script strings.Builder
	fmt.Fprintf(&script, "label: dos\nlabel-id: %s\n", r.DiskSignature)
	for i, p := range r.Partitions {
		boot := ""
		if i == 0 {
			boot = ", bootable"
		}
		fmt.Fprintf(&script, "start=%d, size=%d, type=%s%s\n", p.Offset/512, p.Size/512, strings.TrimPrefix(p.Type, "0x"), boot)
	}
	ref := sparseFile(t, filepath.Join(t.TempDir(), "ref.img"), r.Size, nil)
	tool(t, strings.NewReader(script.String()), "sfdisk", "-q", ref)
	got := readAt(t, filepath.Join(out, "sd.img"), mbrTableStart, mbrTailSize)
	if want := readAt(t, ref, mbrTableStart, mbrTailSize); !bytes.Equal(got, want) {
		t.Errorf("MBR table differs from sfdisk's:\n got %x\nwant %x", got, want)
	}
}

func TestCHS(t *testing.T) {
	for lba, want := range map[int64][3]byte{
		0:                     {0, 1, 0},
		2048:                  {32, 33, 0},
		63 * 255:              {0, 1, 1},
		63*255*256 + 63*2 + 4: {2, 5 | 0x40, 0},
		63 * 255 * 1023:       {0, 1 | 0xc0, 0xff},
		63*255*1024 - 1:       {254, 63 | 0xc0, 0xff},
		63 * 255 * 1024:       {254, 63 | 0xc0, 0xff}, // clamped
		1<<32 - 1:             {254, 63 | 0xc0, 0xff},
	} {
		if got := chs(lba); got != want {
			t.Errorf("chs(%d) = %v, want %v", lba, got, want)
		}
	}
}
