package iso9660

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// bigSize is just over 4 GiB: a file that needs two extents.
const bigSize = 4<<30 + 3<<20

// bigMarkers are the non-zero bytes of the sparse big file.
var bigMarkers = map[int64]string{100: "START", 4<<30 - 1: "M", bigSize - 3: "END"}

// sparseBig makes a sparse file of bigSize with the markers.
func sparseBig(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	testutil.Must(t, err)
	defer f.Close()
	testutil.Must(t, f.Truncate(bigSize))
	for off, s := range bigMarkers {
		_, err := f.WriteAt([]byte(s), off)
		testutil.Must(t, err)
	}
}

func TestMultiExtentFile(t *testing.T) {
	src := t.TempDir()
	sparseBig(t, filepath.Join(src, "huge.bin"))
	writeFile(t, filepath.Join(src, "after.txt"), []byte("after\n"), 0o644)
	img := writeISO(t, src, Options{})[0]
	iso := img.Path
	for _, fs := range []string{"any", "norock"} {
		if got := lsdl(t, iso, fs)["/huge.bin"].size; got != itoa(int64(bigSize)) {
			t.Errorf("xorriso -read_fs %s: size %s, want %d", fs, got, int64(bigSize))
		}
	}
	cut := filepath.Join(t.TempDir(), "cut")
	tool(t, "xorriso", "-osirrox", "on", "-indev", iso, "-extract_cut", "/huge.bin", "100", "5", cut)
	if got, _ := os.ReadFile(cut); string(got) != "START" {
		t.Errorf("xorriso -extract_cut read %q at byte 100, want START", got)
	}
	for _, fs := range []string{"any", "norock"} {
		secs := sections(t, iso, fs, "/huge.bin")
		for off, want := range bigMarkers {
			if got := readFileAt(t, iso, secs, off, len(want)); got != want {
				t.Errorf("-read_fs %s: byte %d of huge.bin via sections %v reads %q, want %q", fs, off, secs, got, want)
			}
		}
	}
	checkSections(t, iso)
	var st syscall.Stat_t
	testutil.Must(t, syscall.Stat(iso, &st))
	if used := st.Blocks * 512; used > 16<<20 {
		t.Errorf("image %s uses %d bytes of disk; want it sparse", img.Path, used)
	}
	if mnt, why := mountISO(t, iso); mnt != "" {
		f, err := os.Open(filepath.Join(mnt, "huge.bin"))
		testutil.Must(t, err)
		defer f.Close()
		for off, s := range bigMarkers {
			b := make([]byte, len(s))
			f.ReadAt(b, off)
			if string(b) != s {
				t.Errorf("isofs: byte %d reads %q, want %q", off, b, s)
			}
		}
	} else {
		t.Logf("Linux isofs read of the markers skipped: %s", why)
	}
}

// checkSections reads both root directories straight from the image and
// checks huge.bin has two records: the first flagged multi-extent and
// 0xFFFFF800 bytes long, the second holding the rest right after it.
func checkSections(t *testing.T, iso string) {
	t.Helper()
	for _, vd := range []int64{16, 17} {
		d := readAt(t, iso, vd*sectorSize, sectorSize)
		root := binary.LittleEndian.Uint32(d[158:])
		dir := readAt(t, iso, int64(root)*sectorSize, sectorSize)
		var recs [][]byte
		for pos := 0; pos < len(dir) && dir[pos] != 0; pos += int(dir[pos]) {
			r := dir[pos : pos+int(dir[pos])]
			id := string(bytes.ReplaceAll(r[33:33+r[32]], []byte{0}, nil))
			if strings.EqualFold(id, "huge.bin;1") {
				recs = append(recs, r)
			}
		}
		if len(recs) != 2 {
			t.Fatalf("descriptor %d: %d records for huge.bin, want 2", vd, len(recs))
		}
		l0, l1 := binary.LittleEndian.Uint32(recs[0][2:]), binary.LittleEndian.Uint32(recs[1][2:])
		s0, s1 := binary.LittleEndian.Uint32(recs[0][10:]), binary.LittleEndian.Uint32(recs[1][10:])
		if recs[0][25] != 0x80 || recs[1][25] != 0 || s0 != sectionMax || int64(s0)+int64(s1) != bigSize || l1 != l0+sectionMax/sectorSize {
			t.Errorf("descriptor %d: sections flags %#x,%#x at %d,%d sizes %d,%d", vd, recs[0][25], recs[1][25], l0, l1, s0, s1)
		}
	}
}

// section is one extent of a file as xorriso reports it.
type section struct{ lba, size int64 }

// sections asks xorriso where a file's extents are.
func sections(t *testing.T, iso, readFS, path string) []section {
	t.Helper()
	out := tool(t, "xorriso", "-read_fs", readFS, "-indev", iso, "-find", path, "-exec", "report_sections")
	var secs []section
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "File data lba:"); ok {
			f := strings.Split(v, ",")
			lba, _ := strconv.ParseInt(strings.TrimSpace(f[1]), 10, 64)
			size, _ := strconv.ParseInt(strings.TrimSpace(f[3]), 10, 64)
			secs = append(secs, section{lba, size})
		}
	}
	return secs
}

// readFileAt reads n bytes at offset off of a file laid out in secs.
func readFileAt(t *testing.T, iso string, secs []section, off int64, n int) string {
	t.Helper()
	for _, s := range secs {
		if off < s.size {
			return string(readAt(t, iso, s.lba*sectorSize+off, n))
		}
		off -= s.size
	}
	return ""
}
