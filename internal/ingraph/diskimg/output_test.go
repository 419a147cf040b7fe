package diskimg

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// outputs lists an output directory.
func outputs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	testutil.Must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestDeterminism(t *testing.T) {
	spec := gptSpec(t)
	spec.Compression = Zstd
	r1, out1 := buildIn(t, spec)
	r2, out2 := buildIn(t, spec)
	for _, name := range []string{"disk.img.zst", "disk.bmap"} {
		a, err := os.ReadFile(filepath.Join(out1, name))
		testutil.Must(t, err)
		b, err := os.ReadFile(filepath.Join(out2, name))
		testutil.Must(t, err)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds", name)
		}
	}
	if r1.SHA256 != r2.SHA256 || r1.DiskGUID != r2.DiskGUID {
		t.Errorf("summaries differ: %+v %+v", r1, r2)
	}

	// One byte more in the root image changes every identifier.
	f, err := os.OpenFile(spec.Partitions[1].Image, os.O_WRONLY, 0)
	testutil.Must(t, err)
	_, err = f.WriteAt([]byte{1}, 3*mib)
	testutil.Must(t, err)
	testutil.Must(t, f.Close())
	r3, _ := buildIn(t, spec)
	if r3.DiskGUID == r1.DiskGUID || r3.SHA256 == r1.SHA256 {
		t.Errorf("changed image, same disk GUID %s or sha256", r3.DiskGUID)
	}
	for i, p := range r3.Partitions {
		if p.GUID == r1.Partitions[i].GUID {
			t.Errorf("changed image, partition %d keeps GUID %s", i+1, p.GUID)
		}
	}
}

func TestGUIDShape(t *testing.T) {
	r, _ := buildIn(t, gptSpec(t))
	guids := []string{r.DiskGUID}
	for _, p := range r.Partitions {
		guids = append(guids, p.GUID)
	}
	for _, g := range guids {
		if g[14] != '4' || !strings.ContainsRune("89AB", rune(g[19])) {
			t.Errorf("%s is not an RFC 4122 version 4 GUID", g)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(guids)))) != len(guids) {
		t.Errorf("GUIDs repeat: %v", guids)
	}
}

// TestBmapCopy checks every output form with the independent tools:
// bmaptool copy (which verifies the bmap's own checksum and every range
// checksum) must reproduce the raw image, and zstd -t / xz -t must accept
// the compressed files.
func TestBmapCopy(t *testing.T) {
	for _, comp := range []string{None, Zstd, Xz} {
		spec := gptSpec(t)
		spec.Compression = comp
		r, out := buildIn(t, spec)
		img := filepath.Join(out, "disk"+suffix(comp))
		if want := []string{"disk.bmap", "disk" + suffix(comp)}; !slices.Equal(outputs(t, out), want) {
			t.Errorf("%s: outputs %v, want %v", comp, outputs(t, out), want)
		}
		switch comp {
		case Zstd:
			tool(t, nil, "zstd", "-t", "-q", img)
		case Xz:
			tool(t, nil, "xz", "-t", img)
		}
		dest := filepath.Join(t.TempDir(), "dest.img")
		tool(t, nil, "bmaptool", "copy", "--bmap", filepath.Join(out, "disk.bmap"), img, dest)
		if got := fileSHA256(t, dest); got != r.SHA256 {
			t.Errorf("%s: bmaptool copy gives sha256 %s, want %s", comp, got, r.SHA256)
		}
	}
}

// TestBmapMatchesBmaptool compares the bmap with what bmaptool create
// writes for the raw image. bmaptool maps the blocks the file system
// allocated; they are exactly the non-zero blocks because the image is
// written sparse, on a file system with 4 KiB blocks.
func TestBmapMatchesBmaptool(t *testing.T) {
	_, out := buildIn(t, gptSpec(t))
	ref := filepath.Join(t.TempDir(), "ref.bmap")
	tool(t, nil, "bmaptool", "create", "-o", ref, filepath.Join(out, "disk.img"))
	got, err := os.ReadFile(filepath.Join(out, "disk.bmap"))
	testutil.Must(t, err)
	want, err := os.ReadFile(ref)
	testutil.Must(t, err)
	if !bytes.Equal(got, want) {
		t.Errorf("bmap differs from bmaptool create's:\n%s\nwant:\n%s", got, want)
	}
}

// TestBmapTamperedFails shows that bmaptool copy really verifies both the
// range checksums and the bmap file's own checksum.
func TestBmapTamperedFails(t *testing.T) {
	_, out := buildIn(t, gptSpec(t))
	bmap, img := filepath.Join(out, "disk.bmap"), filepath.Join(out, "disk.img")
	data, err := os.ReadFile(bmap)
	testutil.Must(t, err)
	bad := filepath.Join(t.TempDir(), "bad.bmap")
	writeFile(t, bad, bytes.Replace(data, []byte(`chksum="`), []byte(`chksum="0`), 1))
	dest := filepath.Join(t.TempDir(), "dest.img")
	if msg, err := runQuiet("bmaptool", "copy", "--bmap", bad, img, dest); err == nil || !strings.Contains(msg, "checksum mismatch for bmap file") {
		t.Errorf("bmaptool copy with an edited bmap: %v\n%s", err, msg)
	}
	f, err := os.OpenFile(img, os.O_WRONLY, 0)
	testutil.Must(t, err)
	_, err = f.WriteAt([]byte{0xff}, 0)
	testutil.Must(t, err)
	testutil.Must(t, f.Close())
	if msg, err := runQuiet("bmaptool", "copy", "--bmap", bmap, img, dest); err == nil || !strings.Contains(msg, "checksum mismatch for blocks range 0-") {
		t.Errorf("bmaptool copy of a corrupted image: %v\n%s", err, msg)
	}
}

func TestSparseOutput(t *testing.T) {
	spec := gptSpec(t)
	spec.Size = 2 * gib
	r, out := buildIn(t, spec)
	img := filepath.Join(out, "disk.img")
	fi, err := os.Stat(img)
	testutil.Must(t, err)
	used := fi.Sys().(*syscall.Stat_t).Blocks * 512
	if fi.Size() != 2*gib || used > 8*mib {
		t.Errorf("2 GiB image with about 4 MiB of data uses %d bytes on disk (size %d)", used, fi.Size())
	}
	if v := tool(t, nil, "sgdisk", "-v", img); !strings.Contains(v, "No problems found") {
		t.Errorf("sgdisk -v:\n%s", v)
	}
	checkContents(t, spec, r, img)
}

func TestBuildFailures(t *testing.T) {
	in := t.TempDir()
	small := writeFile(t, filepath.Join(in, "small"), pattern(3000, 1))
	for name, spec := range map[string]Spec{
		"missing image": {Table: GPT, Partitions: []Partition{{Type: "linux", Image: filepath.Join(in, "nope")}}},
		"directory":     {Table: GPT, Partitions: []Partition{{Type: "linux", Image: in}}},
		"missing raw":   {Table: MBR, RawWrites: []RawWrite{{Offset: 0, File: filepath.Join(in, "nope")}}},
		"too small":     {Table: MBR, Partitions: []Partition{{Type: "linux", Image: small, Size: 2048}}},
	} {
		spec.Name = "x"
		out := filepath.Join(t.TempDir(), "out")
		if _, err := Build(&spec, out); err == nil {
			t.Errorf("%s: built", name)
		}
		if _, err := os.Stat(out); err == nil && len(outputs(t, out)) != 0 {
			t.Errorf("%s: left %v", name, outputs(t, out))
		}
	}
}

// TestIdentifiersAsDocumented recomputes the identifiers from the package
// comment's recipe.
func TestIdentifiersAsDocumented(t *testing.T) {
	in := t.TempDir()
	img := writeFile(t, filepath.Join(in, "a.img"), []byte("contents"))
	bin := writeFile(t, filepath.Join(in, "b.bin"), []byte("boot"))
	spec := Spec{Name: "n", Table: MBR, Partitions: []Partition{{Name: "p", Type: "linux", Image: img, Bootable: true}, {Type: "swap", Size: mib}},
		RawWrites: []RawWrite{{Offset: 10, File: bin}}}
	r, _ := buildIn(t, spec)
	hexSum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	doc := `{"format":"cairn-diskimg/1","name":"n","table":"mbr","size":3145728,"align":1048576,` +
		`"partitions":[{"name":"p","type":"0x83","offset":1048576,"size":1048576,"bootable":true,"sha256":"` + hexSum("contents") + `"},` +
		`{"name":"","type":"0x82","offset":2097152,"size":1048576,"bootable":false,"sha256":""}],` +
		`"raw_writes":[{"offset":10,"sha256":"` + hexSum("boot") + `"}]}`
	seed := hexSum(doc)
	sig := sha256.Sum256([]byte("cairn-diskimg:mbr-signature:" + seed))
	if want := fmt.Sprintf("0x%08x", binary.LittleEndian.Uint32(sig[:4])); r.DiskSignature != want {
		t.Errorf("disk signature %s, want %s", r.DiskSignature, want)
	}
	spec.Table, spec.Partitions[0].Type, spec.Partitions[1].Type = GPT, "linux", "swap"
	r, _ = buildIn(t, spec)
	doc = strings.NewReplacer(`"mbr","size":3145728`, `"gpt","size":4194304`, "0x83", gptTypes["linux"], "0x82", gptTypes["swap"]).Replace(doc)
	seed = hexSum(doc)
	if want := uuid4(sha256.Sum256([]byte("cairn-diskimg:disk-guid:" + seed))).String(); r.DiskGUID != want {
		t.Errorf("disk GUID %s, want %s", r.DiskGUID, want)
	}
	if want := uuid4(sha256.Sum256([]byte("cairn-diskimg:partition-guid:2:" + seed))).String(); r.Partitions[1].GUID != want {
		t.Errorf("partition 2 GUID %s, want %s", r.Partitions[1].GUID, want)
	}
}
