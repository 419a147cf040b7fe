package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// diskInputs writes a small ESP image, a sparse root image and 440 bytes
// of MBR boot code, and returns their paths.
func diskInputs(t *testing.T) (esp, root, boot string) {
	t.Helper()
	dir := t.TempDir()
	esp, root, boot = filepath.Join(dir, "esp.img"), filepath.Join(dir, "root.img"), filepath.Join(dir, "mbr.bin")
	must(t, os.WriteFile(esp, []byte(strings.Repeat("esp!", 100000)), 0o644))
	must(t, os.WriteFile(boot, []byte(strings.Repeat("b", 440)), 0o644))
	f, err := os.Create(root)
	must(t, err)
	must(t, f.Truncate(8<<20))
	_, err = f.WriteAt([]byte("root data"), 5<<20)
	must(t, err)
	must(t, f.Close())
	return esp, root, boot
}

// diskSpecFile writes a spec document and returns its path.
func diskSpecFile(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.json")
	must(t, os.WriteFile(path, []byte(doc), 0o644))
	return path
}

// diskSummary is the part of the stdout summary the tests read.
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

func TestDisk(t *testing.T) {
	esp, root, boot := diskInputs(t)
	spec := diskSpecFile(t, `{"name": "sdcard", "table": "gpt", "size": 0, "align": 1048576, "compression": "zstd", "bmap": true,
		"partitions": [
			{"name": "boot", "type": "esp", "size": 0, "offset": 0, "bootable": true, "image": "`+esp+`"},
			{"name": "root", "type": "linux", "size": 16777216, "offset": 0, "bootable": false, "image": "`+root+`"}],
		"raw_writes": [{"offset": 0, "file": "`+boot+`"}]}`)
	out := filepath.Join(t.TempDir(), "new", "out")
	r := runWith(nil, "disk", "--spec", spec, out)
	if r.code != 0 || r.stderr != "" || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("disk: %+v", r)
	}
	var s diskSummary
	must(t, json.Unmarshal([]byte(r.stdout), &s))
	if s.Name != "sdcard" || s.Table != "gpt" || s.Size != 19<<20 || len(s.Partitions) != 2 ||
		s.Partitions[1].Offset != 2<<20 || s.Partitions[1].Size != 16<<20 || s.Partitions[1].GUID == "" || s.DiskGUID == "" {
		t.Errorf("summary: %+v", s)
	}
	entries, err := os.ReadDir(out)
	must(t, err)
	if len(entries) != 2 || entries[0].Name() != "sdcard.bmap" || entries[1].Name() != "sdcard.img.zst" {
		t.Errorf("outputs: %v, want sdcard.bmap and sdcard.img.zst only", entries)
	}
	raw, err := exec.Command("zstd", "-d", "-c", filepath.Join(out, "sdcard.img.zst")).Output()
	must(t, err)
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != s.SHA256 || int64(len(raw)) != s.Size {
		t.Errorf("zstd -d gives %d bytes that do not match the summary", len(raw))
	}

	again := runWith(nil, "disk", "--spec", spec, filepath.Join(t.TempDir(), "again"))
	if again.stdout != r.stdout {
		t.Errorf("second run differs:\n%s\n%s", again.stdout, r.stdout)
	}
}

func TestDiskErrors(t *testing.T) {
	esp, root, boot := diskInputs(t)
	big := filepath.Join(t.TempDir(), "big.img")
	must(t, os.WriteFile(big, nil, 0o644))
	must(t, os.Truncate(big, 1288490188))
	part := func(name, typ string, size, offset int64, image string) string {
		b, _ := json.Marshal(map[string]any{"name": name, "type": typ, "size": size, "offset": offset, "bootable": false, "image": image})
		return string(b)
	}
	doc := func(table string, parts []string, raws string) string {
		return `{"name": "d", "table": "` + table + `", "size": 0, "align": 0, "compression": "none", "bmap": false,
			"partitions": [` + strings.Join(parts, ",") + `], "raw_writes": [` + raws + `]}`
	}
	five := []string{}
	for range 5 {
		five = append(five, part("p", "linux", 1<<20, 0, ""))
	}
	for name, tc := range map[string]struct{ doc, want string }{
		"too small partition": {doc("gpt", []string{part("root", "linux", 1<<30, 0, big)}, ""),
			`cairn-helper: disk: partition "root" needs at least 1.2 GiB (1288490188 bytes) for its contents; size is 1 GiB: raise size=`},
		"too small disk": {strings.Replace(doc("mbr", []string{part("root", "linux", 0, 0, root)}, ""), `"size": 0`, `"size": 4194304`, 1),
			`disk: disk size is 4 MiB but the partitions, raw writes and table need at least 9 MiB (9437184 bytes)`},
		"overlap": {doc("gpt", []string{part("a", "linux", 4<<20, 1<<20, esp), part("b", "linux", 1<<20, 2<<20, "")}, ""),
			`disk: partition "b" (bytes 2097152-3145727) overlaps partition "a" (bytes 1048576-5242879)`},
		"unknown type":     {doc("gpt", []string{part("a", "ext4", 0, 0, esp)}, ""), `disk: partition "a": unknown GPT partition type "ext4": want one of "bios-boot", "esp",`},
		"five MBR":         {doc("mbr", five, ""), `disk: an MBR table holds at most 4 partitions, the spec has 5: use table = "gpt"`},
		"misaligned":       {doc("gpt", []string{part("a", "linux", 0, 1000, esp)}, ""), `disk: partition "a": offset 1000 is not aligned to 512 bytes`},
		"raw write on GPT": {doc("gpt", nil, `{"offset": 8192, "file": "`+boot+`"}`), `disk: raw write "` + boot + `" (bytes 8192-8631) overlaps the primary GPT header and partition entries (bytes 512-17407)`},
		"unknown field":    {`{"name": "d", "table": "gpt", "disk": 1}`, `json: unknown field "disk"`},
		"missing image":    {doc("gpt", []string{part("a", "linux", 0, 0, esp+".nope")}, ""), "no such file or directory"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		r := runWith(nil, "disk", "--spec", diskSpecFile(t, tc.doc), out)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%s: %+v\nwant exit 1 with %s", name, r, tc.want)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%s: left %v", name, entries)
		}
	}
	for _, args := range [][]string{{"disk", t.TempDir()}, {"disk", "--spec", "x.json"}, {"disk", "--spec", "x.json", "a", "b"}} {
		if r := runWith(nil, args...); r.code != 2 || !strings.Contains(r.stderr, "usage:") {
			t.Errorf("%q: %+v, want exit 2 with usage", args, r)
		}
	}
}
