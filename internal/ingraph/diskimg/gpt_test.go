package diskimg

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// gptSpec is a three-partition GPT disk: an ESP from a dense image, a
// root partition from a sparse image whose data holds zero blocks, an
// empty partition, and boot code in the protective MBR.
func gptSpec(t *testing.T) Spec {
	in := t.TempDir()
	esp := writeFile(t, filepath.Join(in, "esp.img"), pattern(3*int(mib)+100, 1))
	root := sparseFile(t, filepath.Join(in, "root.img"), 12*mib, map[int64][]byte{
		0:          pattern(4096, 2),
		8192:       make([]byte, 8192), // written zeros
		5 * mib:    append(pattern(5000, 3), make([]byte, 10000)...),
		12*mib - 7: pattern(7, 4),
	})
	boot := writeFile(t, filepath.Join(in, "gptmbr.bin"), pattern(440, 5))
	return Spec{Name: "disk", Table: GPT, Bmap: true,
		Partitions: []Partition{
			{Name: "EFI System", Type: "esp", Bootable: true, Image: esp},
			{Name: "root-ä", Type: "linux-root-x86-64", Image: root},
			{Name: "data", Type: "8DA63339-0007-60C0-C436-083AC8230908", Size: 2 * mib},
		},
		RawWrites: []RawWrite{{Offset: 0, File: boot}},
	}
}

func TestGPTWitnesses(t *testing.T) {
	spec := gptSpec(t)
	r, out := buildIn(t, spec)
	img := filepath.Join(out, "disk.img")
	tab := sfdiskJSON(t, img).PartitionTable
	if tab.Label != "gpt" || tab.ID != r.DiskGUID || tab.FirstLBA != 34 || tab.LastLBA != r.Size/512-34 {
		t.Errorf("sfdisk table header: %+v, want gpt %s 34 %d", tab, r.DiskGUID, r.Size/512-34)
	}
	want := []struct {
		start, size int64
		typ, name   string
		attrs       string
	}{
		{2048, 4 * 2048, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System", "LegacyBIOSBootable"},
		{5 * 2048, 12 * 2048, "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "root-ä", ""},
		{17 * 2048, 2 * 2048, "8DA63339-0007-60C0-C436-083AC8230908", "data", ""},
	}
	if len(tab.Partitions) != len(want) {
		t.Fatalf("sfdisk sees %d partitions, want %d", len(tab.Partitions), len(want))
	}
	for i, p := range tab.Partitions {
		w := want[i]
		if p.Start != w.start || p.Size != w.size || p.Type != w.typ || p.Name != w.name || p.Attrs != w.attrs || p.UUID != r.Partitions[i].GUID {
			t.Errorf("partition %d: sfdisk sees %+v, want %+v uuid %s", i+1, p, w, r.Partitions[i].GUID)
		}
	}
	if r.Size != 20*mib {
		t.Errorf("disk size %d, want 20 MiB", r.Size)
	}
	if v := tool(t, nil, "sgdisk", "-v", img); !strings.Contains(v, "No problems found") {
		t.Errorf("sgdisk -v:\n%s", v)
	}
	checkContents(t, spec, r, img)
}

// checkContents compares each partition and raw write with its input and
// checks that the rest of each partition is zeros.
func checkContents(t *testing.T, spec Spec, r *Result, img string) {
	t.Helper()
	for i, p := range spec.Partitions {
		var data []byte
		if p.Image != "" {
			var err error
			data, err = os.ReadFile(p.Image)
			testutil.Must(t, err)
		}
		got := readAt(t, img, r.Partitions[i].Offset, r.Partitions[i].Size)
		if !bytes.Equal(got[:len(data)], data) || !allZero(got[len(data):]) {
			t.Errorf("partition %d does not hold its image followed by zeros", i+1)
		}
	}
	for _, w := range spec.RawWrites {
		data, err := os.ReadFile(w.File)
		testutil.Must(t, err)
		sameBytes(t, "raw write "+w.File, img, w.Offset, data)
	}
	if got := fileSHA256(t, img); got != r.SHA256 {
		t.Errorf("image sha256 %s, summary says %s", got, r.SHA256)
	}
}

// TestGPTMatchesSfdisk has sfdisk write the same table (same GUIDs,
// names, attributes) into a blank file and compares every table byte:
// protective MBR, both headers with their CRCs, both entry arrays.
func TestGPTMatchesSfdisk(t *testing.T) {
	r, out := buildIn(t, gptSpec(t))
	var script strings.Builder
	fmt.Fprintf(&script, "label: gpt\nlabel-id: %s\nfirst-lba: 34\n", r.DiskGUID)
	attrs := []string{`, attrs="LegacyBIOSBootable"`, "", ""}
	for i, p := range r.Partitions {
		fmt.Fprintf(&script, "start=%d, size=%d, type=%s, uuid=%s, name=%q%s\n", p.Offset/512, p.Size/512, p.Type, p.GUID, p.Name, attrs[i])
	}
	ref := sparseFile(t, filepath.Join(t.TempDir(), "ref.img"), r.Size, nil)
	tool(t, strings.NewReader(script.String()), "sfdisk", "-q", ref)
	img := filepath.Join(out, "disk.img")
	for _, span := range [][2]int64{{mbrTableStart, headEnd(GPT)}, {r.Size - tailSize(GPT), r.Size}} {
		n := span[1] - span[0]
		if !bytes.Equal(readAt(t, img, span[0], n), readAt(t, ref, span[0], n)) {
			t.Errorf("bytes %d-%d differ from what sfdisk writes", span[0], span[1]-1)
		}
	}
}

func TestGPTExplicitSizeAndOffsets(t *testing.T) {
	in := t.TempDir()
	a := writeFile(t, filepath.Join(in, "a"), pattern(1000, 9))
	spec := Spec{Name: "x", Table: GPT, Size: 64 * mib, Align: 4096, Partitions: []Partition{
		{Name: "late", Type: "linux", Offset: 40 * mib, Size: 4 * mib, Image: a},
		{Name: "next", Type: "swap", Image: a},
		{Name: "early", Type: "bios-boot", Offset: 34 * 512, Size: 1 * mib},
	}}
	r, out := buildIn(t, spec)
	img := filepath.Join(out, "x.img")
	tab := sfdiskJSON(t, img).PartitionTable
	want := [][2]int64{{40 * 2048, 4 * 2048}, {44 * 2048, 8}, {34, 2048}}
	for i, p := range tab.Partitions {
		if [2]int64{p.Start, p.Size} != want[i] {
			t.Errorf("partition %d at %d+%d, want %v", i+1, p.Start, p.Size, want[i])
		}
	}
	if r.Size != 64*mib {
		t.Errorf("size %d", r.Size)
	}
	if v := tool(t, nil, "sgdisk", "-v", img); !strings.Contains(v, "No problems found") {
		t.Errorf("sgdisk -v:\n%s", v)
	}
	checkContents(t, spec, r, img)
}
