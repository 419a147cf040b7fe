package diskimg

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// diskInputs writes a small ESP image, a sparse root image and 440 bytes
// of MBR boot code, and returns their paths.
func diskInputs(t *testing.T) (esp, root, boot string) {
	t.Helper()
	dir := t.TempDir()
	esp, root, boot = filepath.Join(dir, "esp.img"), filepath.Join(dir, "root.img"), filepath.Join(dir, "mbr.bin")
	testutil.Must(t, os.WriteFile(esp, []byte(strings.Repeat("esp!", 100000)), 0o644))
	testutil.Must(t, os.WriteFile(boot, []byte(strings.Repeat("b", 440)), 0o644))
	f, err := os.Create(root)
	testutil.Must(t, err)
	testutil.Must(t, f.Truncate(8<<20))
	_, err = f.WriteAt([]byte("root data"), 5<<20)
	testutil.Must(t, err)
	testutil.Must(t, f.Close())
	return esp, root, boot
}

// decodeDisk reads a disk request as the helper does.
func decodeDisk(t *testing.T, doc string) request.Disk {
	t.Helper()
	var req request.Disk
	testutil.Must(t, request.Decode(doc, &req))
	return req
}

// diskSummary is the part of the printed summary the tests read.
type diskSummary struct {
	Name, Table, SHA256 string
	DiskGUID            string `json:"disk_guid"`
	Size                int64
	Partitions          []struct {
		Number       int
		Name, GUID   string
		Offset, Size int64
	}
	Files []string
}

// summaryLine is the JSON line the helper prints for r.
func summaryLine(t *testing.T, r *Result) string {
	t.Helper()
	line, err := json.Marshal(r)
	testutil.Must(t, err)
	return string(line)
}

func TestRun(t *testing.T) {
	esp, root, boot := diskInputs(t)
	doc := func(out string) string {
		return `{"name": "sdcard", "table": "gpt", "size": 0, "align": 1048576, "compression": "zstd", "bmap": true,
		"partitions": [
			{"name": "boot", "type": "esp", "size": 0, "offset": 0, "bootable": true, "image": "` + esp + `"},
			{"name": "root", "type": "linux", "size": 16777216, "offset": 0, "bootable": false, "image": "` + root + `"}],
		"raw_writes": [{"offset": 0, "file": "` + boot + `"}], "out": "` + out + `"}`
	}
	out := filepath.Join(t.TempDir(), "new", "out")
	r, err := Run(decodeDisk(t, doc(out)))
	testutil.Must(t, err)
	line := summaryLine(t, r)
	var s diskSummary
	testutil.Must(t, json.Unmarshal([]byte(line), &s))
	if s.Name != "sdcard" || s.Table != "gpt" || s.Size != 19<<20 || len(s.Partitions) != 2 ||
		s.Partitions[1].Offset != 2<<20 || s.Partitions[1].Size != 16<<20 || s.Partitions[1].GUID == "" || s.DiskGUID == "" {
		t.Errorf("summary: %+v", s)
	}
	entries, err := os.ReadDir(out)
	testutil.Must(t, err)
	if len(entries) != 2 || entries[0].Name() != "sdcard.bmap" || entries[1].Name() != "sdcard.img.zst" {
		t.Errorf("outputs: %v, want sdcard.bmap and sdcard.img.zst only", entries)
	}
	raw, err := exec.Command("zstd", "-d", "-c", filepath.Join(out, "sdcard.img.zst")).Output()
	testutil.Must(t, err)
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != s.SHA256 || int64(len(raw)) != s.Size {
		t.Errorf("zstd -d gives %d bytes that do not match the summary", len(raw))
	}

	again, err := Run(decodeDisk(t, doc(filepath.Join(t.TempDir(), "again"))))
	testutil.Must(t, err)
	if summaryLine(t, again) != line {
		t.Errorf("second run differs:\n%s\n%s", summaryLine(t, again), line)
	}
}

func TestRunErrors(t *testing.T) {
	esp, root, boot := diskInputs(t)
	big := filepath.Join(t.TempDir(), "big.img")
	testutil.Must(t, os.WriteFile(big, nil, 0o644))
	testutil.Must(t, os.Truncate(big, 1288490188))
	part := func(name, typ string, size, offset int64, image string) string {
		b, _ := json.Marshal(request.Partition{Name: name, Type: typ, Size: size, Offset: offset, Image: image})
		return string(b)
	}
	doc := func(table string, parts []string, raws, out string) string {
		return `{"name": "d", "table": "` + table + `", "size": 0, "align": 0, "compression": "none", "bmap": false,
			"partitions": [` + strings.Join(parts, ",") + `], "raw_writes": [` + raws + `], "out": "` + out + `"}`
	}
	five := []string{}
	for range 5 {
		five = append(five, part("p", "linux", 1<<20, 0, ""))
	}
	for name, tc := range map[string]struct {
		doc  func(out string) string
		want string
	}{
		"too small partition": {func(o string) string { return doc("gpt", []string{part("root", "linux", 1<<30, 0, big)}, "", o) },
			`partition "root" needs at least 1.2 GiB (1288490188 bytes) for its contents; size is 1 GiB: raise size=`},
		"too small disk": {func(o string) string {
			return strings.Replace(doc("mbr", []string{part("root", "linux", 0, 0, root)}, "", o), `"size": 0`, `"size": 4194304`, 1)
		}, `disk size is 4 MiB but the partitions, raw writes and table need at least 9 MiB (9437184 bytes)`},
		"overlap": {func(o string) string {
			return doc("gpt", []string{part("a", "linux", 4<<20, 1<<20, esp), part("b", "linux", 1<<20, 2<<20, "")}, "", o)
		}, `partition "b" (bytes 2097152-3145727) overlaps partition "a" (bytes 1048576-5242879)`},
		"unknown type": {func(o string) string { return doc("gpt", []string{part("a", "ext4", 0, 0, esp)}, "", o) },
			`partition "a": unknown GPT partition type "ext4": want one of "bios-boot", "esp",`},
		"five MBR": {func(o string) string { return doc("mbr", five, "", o) },
			`an MBR table holds at most 4 partitions, the spec has 5: use table = "gpt"`},
		"raw write on GPT": {func(o string) string { return doc("gpt", nil, `{"offset": 8192, "file": "`+boot+`"}`, o) },
			`raw write "` + boot + `" (bytes 8192-8631) overlaps the primary GPT header and partition entries (bytes 512-17407)`},
		"missing image": {func(o string) string { return doc("gpt", []string{part("a", "linux", 0, 0, esp+".nope")}, "", o) },
			"no such file or directory"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		_, err := Run(decodeDisk(t, tc.doc(out)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant %s", name, err, tc.want)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%s: left %v", name, entries)
		}
	}
}
