package iso9660

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// isoTool runs a witness program, failing the test if it is missing or
// fails.
func isoTool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("witness %s not installed: %v", name, err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// isoTree makes a small tree with a boot image, a symlink and a file
// larger than half a megabyte.
func isoTree(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	for rel, size := range map[string]int{"isolinux/isolinux.bin": 20000, "live/filesystem.squashfs": 700000, "pool/a.deb": 300000, "pool/b.deb": 300000, "README": 10} {
		p := filepath.Join(src, rel)
		testutil.Must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		testutil.Must(t, os.WriteFile(p, bytes.Repeat([]byte(rel), size/len(rel)+1)[:size], 0o644))
	}
	testutil.Must(t, os.Symlink("live/filesystem.squashfs", filepath.Join(src, "fs")))
	return src
}

// isoInfo returns isoinfo -d's "key: value" fields.
func isoInfo(t *testing.T, iso string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(isoTool(t, "", "isoinfo", "-d", "-i", iso), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

func TestISOPlainDisc(t *testing.T) {
	src := isoTree(t)
	out := filepath.Join(t.TempDir(), "new", "dir")
	testutil.Must(t, Run(request.ISO{Src: src, Out: out, Epoch: 1000000, VolumeID: "PLAIN"}))
	ents, _ := os.ReadDir(out)
	if len(ents) != 2 || ents[0].Name() != "image.iso" || ents[1].Name() != "image.sha256" {
		t.Fatalf("output directory holds %v, want image.iso and image.sha256", ents)
	}
	isoTool(t, out, "sha256sum", "-c", "image.sha256")
	f := isoInfo(t, filepath.Join(out, "image.iso"))
	if f["Volume id"] != "PLAIN" || f["Volume set size is"] != "1" || !strings.HasPrefix(f["Volume set id"], "CAIRN_") {
		t.Errorf("isoinfo: %v", f)
	}
	x := filepath.Join(t.TempDir(), "x")
	isoTool(t, "", "xorriso", "-osirrox", "on", "-indev", filepath.Join(out, "image.iso"), "-extract", "/", x)
	fi, err := os.Stat(filepath.Join(x, "live/filesystem.squashfs"))
	if err != nil || fi.ModTime().Unix() != 1000000 || fi.Size() != 700000 {
		t.Errorf("extracted file: %v %v, want 700000 bytes dated the epoch", fi, err)
	}
	if target, _ := os.Readlink(filepath.Join(x, "fs")); target != "live/filesystem.squashfs" {
		t.Errorf("symlink reads %q", target)
	}
}

func TestISOBootableVolumeSet(t *testing.T) {
	src := isoTree(t)
	efi := filepath.Join(t.TempDir(), "efi.img")
	testutil.Must(t, os.WriteFile(efi, bytes.Repeat([]byte{0xEF}, 200000), 0o644))
	out := t.TempDir()
	req := request.ISO{Src: src, Out: out, Epoch: 5, Name: "disc", VolumeID: "SET", VolumeSetID: "MY_SET", BIOSImage: "isolinux/isolinux.bin",
		EFIImage: efi, MaxVolumeSize: 600000, First: []string{"README", "pool/b.deb"}}
	run := func() map[string][]byte {
		testutil.Must(t, Run(req))
		files := map[string][]byte{}
		ents, _ := os.ReadDir(out)
		for _, e := range ents {
			files[e.Name()], _ = os.ReadFile(filepath.Join(out, e.Name()))
		}
		return files
	}
	first := run()
	list := string(first["disc.sha256"])
	n := strings.Count(list, "\n")
	if n < 3 || len(first) != n+1 {
		t.Fatalf("disc.sha256 lists %d images, directory holds %d files:\n%s", n, len(first), list)
	}
	isoTool(t, out, "sha256sum", "-c", "disc.sha256")
	for i := 1; i <= n; i++ {
		iso := filepath.Join(out, "disc-"+strconv.Itoa(i)+".iso")
		f := isoInfo(t, iso)
		id := "SET"
		if i > 1 {
			id += "_" + strconv.Itoa(i)
		}
		if f["Volume id"] != id || f["Volume set id"] != "MY_SET" || f["Volume set size is"] != strconv.Itoa(n) || f["Volume set sequence number is"] != strconv.Itoa(i) {
			t.Errorf("volume %d: isoinfo %v", i, f)
		}
		ls := isoTool(t, "", "xorriso", "-indev", iso, "-find", "/", "-exec", "lsdl")
		if i == 1 && (!strings.Contains(ls, "'/README'") || !strings.Contains(ls, "'/pool/b.deb'") || !strings.Contains(ls, "'/isolinux/isolinux.bin'")) {
			t.Errorf("volume 1 lacks a first or boot file:\n%s", ls)
		}
	}
	report := isoTool(t, "", "xorriso", "-indev", filepath.Join(out, "disc-1.iso"), "-report_el_torito", "plain")
	if !strings.Contains(report, "boot-info-table") || !strings.Contains(report, " UEFI ") || !strings.Contains(report, " BIOS ") {
		t.Errorf("volume 1 El Torito:\n%s", report)
	}
	for name, data := range run() {
		if !bytes.Equal(data, first[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestISOFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(t *testing.T, src string, req *request.ISO)
		want  string
	}{
		"device node": {func(t *testing.T, src string, _ *request.ISO) {
			if err := syscall.Mknod(filepath.Join(src, "null"), syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				t.Skipf("mknod needs privileges: %v", err)
			}
		}, "null is a character device node"},
		"fifo": {func(t *testing.T, src string, _ *request.ISO) {
			testutil.Must(t, syscall.Mkfifo(filepath.Join(src, "pipe"), 0o644))
		}, "pipe is a named pipe"},
		"bios missing":   {func(_ *testing.T, _ string, r *request.ISO) { r.BIOSImage = "boot/isolinux.bin" }, "bios_image takes a path inside the source tree"},
		"too small":      {func(_ *testing.T, _ string, r *request.ISO) { r.MaxVolumeSize = 30000 }, "max_volume_size 30000 is too small"},
		"first too big":  {func(_ *testing.T, _ string, r *request.ISO) { r.MaxVolumeSize, r.First = 500000, []string{"pool"} }, "volume 1 must hold"},
		"missing efi":    {func(_ *testing.T, _ string, r *request.ISO) { r.EFIImage = "/nonexistent.img" }, "EFI boot image"},
		"long volume id": {func(_ *testing.T, _ string, r *request.ISO) { r.VolumeID = strings.Repeat("L", 40) }, "at most 32"},
	} {
		t.Run(name, func(t *testing.T) {
			src := isoTree(t)
			out := t.TempDir()
			req := request.ISO{Src: src, Out: out, VolumeID: "F"}
			tc.setup(t, src, &req)
			if err := req.Check(); err != nil {
				t.Fatalf("%+v: the request's check fails: %v", req, err)
			}
			if err := Run(req); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%+v: %v, want an error mentioning %q", req, err, tc.want)
			}
			if ents, _ := os.ReadDir(out); len(ents) != 0 {
				t.Errorf("failed run left %v", ents)
			}
		})
	}
}
