package main

// Image assembly against the standard tools doing the same steps:
// a FAT32 boot filesystem + an ext4 root + a GPT disk (mkfs.vfat + mcopy,
// mke2fs -d, sfdisk + dd), and an ISO (xorriso -as mkisofs). `make bench`
// prints each as seconds and as a ratio cairn/tools; below 1 is faster.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// benchTree writes n files of size bytes each (content varies per file)
// under dir, in subdirectories of 50.
func benchTree(b *testing.B, dir string, n, size int) {
	b.Helper()
	buf := make([]byte, size)
	for i := 0; i < n; i++ {
		for j := range buf {
			buf[j] = byte(i*31 + j*7)
		}
		p := filepath.Join(dir, fmt.Sprintf("d%02d", i/50), fmt.Sprintf("file-%04d.bin", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// timeIt runs fn and returns how long it took.
func timeIt(b *testing.B, fn func()) time.Duration {
	b.Helper()
	start := time.Now()
	fn()
	return time.Since(start)
}

// sh runs a shell command, failing the benchmark on error.
func sh(b *testing.B, script string) {
	b.Helper()
	cmd := exec.Command("sh", "-ec", script)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "E2FSPROGS_FAKE_TIME=315532800")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", script, err, out)
	}
}

// helper runs one request through the helper in-process, as the build
// graph does.
func helper(b *testing.B, r request.Request) {
	b.Helper()
	if res := runRequest(b, r); res.code != 0 {
		b.Fatalf("cairn-helper %s: %+v", r.Command(), res)
	}
}

// BenchmarkDiskImageVsTools: 32 MiB of boot files (FAT32) and 160 MiB of
// system (ext4) into a GPT disk.
func BenchmarkDiskImageVsTools(b *testing.B) {
	for _, tool := range []string{"mkfs.vfat", "mcopy", "mke2fs", "sfdisk"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s not installed (make setup)", tool)
		}
	}
	dir := b.TempDir()
	boot, root, work := filepath.Join(dir, "boot"), filepath.Join(dir, "root"), filepath.Join(dir, "work")
	benchTree(b, boot, 64, 512<<10)
	benchTree(b, root, 1280, 128<<10)
	testutil.Must(b, os.MkdirAll(work, 0o755))
	var cairn, tools time.Duration
	for i := 0; i < b.N; i++ {
		os.RemoveAll(work)
		os.MkdirAll(work, 0o755)
		cairn += timeIt(b, func() {
			bootImg, rootImg := filepath.Join(work, "boot.img"), filepath.Join(work, "root.img")
			helper(b, request.Mkfs{Src: boot, Out: bootImg, Epoch: epoch.Default, Type: "fat32", Size: 128 << 20, Label: "BOOT"})
			helper(b, request.Mkfs{Src: root, Out: rootImg, Epoch: epoch.Default, Type: "ext4", Size: 256 << 20, Label: "root"})
			helper(b, request.Disk{Name: "disk", Table: request.GPT, Align: 1 << 20, Compression: request.None,
				Partitions: []request.Partition{{Name: "boot", Type: "esp", Image: bootImg}, {Name: "root", Type: "linux", Image: rootImg}},
				RawWrites:  []request.RawWrite{}, Out: filepath.Join(work, "out")})
		})
		tools += timeIt(b, func() {
			sh(b, fmt.Sprintf(`cd %s
rm -f t-boot.img t-root.img t.img
mkfs.vfat -F 32 -i 12345678 -n BOOT -C t-boot.img 131072 >/dev/null
mcopy -s -p -m -i t-boot.img %s/* ::/
mke2fs -q -t ext4 -b 4096 -U 0b5c3a4e-0000-4000-8000-000000000001 -E hash_seed=0b5c3a4e-0000-4000-8000-000000000002,root_owner=0:0 -L root -d %s t-root.img 256M
truncate -s 386M t.img
printf 'label: gpt\nstart=2048, size=262144, type=U, name=boot\nstart=264192, size=524288, type=L, name=root\n' | sfdisk -q t.img
dd if=t-boot.img of=t.img bs=1M seek=1 conv=notrunc,sparse status=none
dd if=t-root.img of=t.img bs=1M seek=129 conv=notrunc,sparse status=none
sync -f t.img`, work, boot, root))
		})
	}
	reportRatio(b, "disk image (FAT32 + ext4 + GPT)", cairn, tools)
}

// BenchmarkISOVsXorriso: 192 MiB in 1,536 files into a Rock Ridge +
// Joliet ISO.
func BenchmarkISOVsXorriso(b *testing.B) {
	if _, err := exec.LookPath("xorriso"); err != nil {
		b.Skip("xorriso not installed (make setup)")
	}
	dir := b.TempDir()
	src, work := filepath.Join(dir, "src"), filepath.Join(dir, "work")
	benchTree(b, src, 1536, 128<<10)
	var cairn, tools time.Duration
	for i := 0; i < b.N; i++ {
		os.RemoveAll(work)
		cairn += timeIt(b, func() {
			helper(b, request.ISO{Src: src, Out: filepath.Join(work, "out"), Epoch: epoch.Default, VolumeID: "BENCH"})
		})
		tools += timeIt(b, func() {
			sh(b, fmt.Sprintf("xorriso -as mkisofs -quiet -R -J -V BENCH -o %s/t.iso %s && sync -f %s/t.iso", work, src, work))
		})
	}
	reportRatio(b, "ISO (Rock Ridge + Joliet)", cairn, tools)
}

func reportRatio(b *testing.B, what string, cairn, tools time.Duration) {
	n := time.Duration(b.N)
	b.ReportMetric((cairn / n).Seconds(), "cairn-s/op")
	b.ReportMetric((tools / n).Seconds(), "tools-s/op")
	b.ReportMetric(cairn.Seconds()/tools.Seconds(), "ratio")
	b.Logf("%s: cairn %.2fs, standard tools %.2fs, ratio %.2f", what, (cairn / n).Seconds(), (tools / n).Seconds(), cairn.Seconds()/tools.Seconds())
}
