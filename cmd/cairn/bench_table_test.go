package main

// BenchmarkTable is `make bench`: each measure of issue 18 against its
// peer, alternating runs, printed as one table of min and median with the
// ratios and the goals. Each measure runs CAIRN_BENCH_REPS times (default
// 3); the arm64 and board measures, a minute or more per run, run
// CAIRN_BENCH_HEAVY_REPS times (default 2) so that the table takes about 19
// minutes on 2 cores. CAIRN_BENCH_ONLY=images,rootfs,arm64,boards picks
// sections. No figure is asserted: the tests assert mechanisms.

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func BenchmarkTable(b *testing.B) {
	needEngine(b)
	reps, heavy := benchReps("CAIRN_BENCH_REPS", 3), benchReps("CAIRN_BENCH_HEAVY_REPS", 2)
	t := &table{}
	for b.Loop() {
		start := time.Now()
		defer func() { t.print(os.Stdout, time.Since(start)) }() // also what was measured before a failure
		for _, s := range []struct {
			name string
			run  func(*testing.B, *table, int)
			reps int
		}{{"images", benchImages, reps}, {"rootfs", benchRootfs, reps}, {"arm64", benchArm64, heavy}, {"boards", benchBoards, heavy}} {
			if only := os.Getenv("CAIRN_BENCH_ONLY"); only == "" || slices.Contains(strings.Split(only, ","), s.name) {
				fmt.Fprintf(os.Stderr, "bench: %s (%d runs)\n", s.name, s.reps)
				s.run(b, t, s.reps)
			}
		}
	}
}

func benchReps(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

// table collects the rows.
type table struct{ rows []row }

type row struct {
	measure  string
	cairn    []float64 // seconds
	peer     string
	peerRuns []float64
	goal     string // as the issue states it
	extra    string // after the cairn figures, e.g. the peak RSS
}

func (t *table) add(r row) { t.rows = append(t.rows, r) }

func minMed(v []float64) (float64, float64) {
	if len(v) == 0 {
		return 0, 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[0], s[len(s)/2]
}

func (t *table) print(w *os.File, took time.Duration) {
	fmt.Fprintf(w, "\n| measure | cairn min / median | peer | peer min / median | ratio (medians) | goal |\n|---|---|---|---|---|---|\n")
	for _, r := range t.rows {
		cmin, cmed := minMed(r.cairn)
		pmin, pmed := minMed(r.peerRuns)
		peer, ratio := r.peer, "—"
		if len(r.peerRuns) > 0 && pmed > 0 {
			ratio = fmt.Sprintf("%.2f", cmed/pmed)
		}
		ps := "—"
		if len(r.peerRuns) > 0 {
			ps = fmt.Sprintf("%.2f / %.2f s (%d)", pmin, pmed, len(r.peerRuns))
		}
		fmt.Fprintf(w, "| %s | %.2f / %.2f s (%d)%s | %s | %s | %s | %s |\n",
			r.measure, cmin, cmed, len(r.cairn), r.extra, peer, ps, ratio, r.goal)
	}
	fmt.Fprintf(w, "\n(runs in parentheses; the table took %s)\n", took.Round(time.Second))
}

// benchEngine is a fresh engine and home for one run; done stops the
// engine and removes the home at once (a home holds a whole cache, and a
// table run makes a dozen).
func benchEngine(b *testing.B) (c cairn, out string, done func()) {
	b.Helper()
	home, err := os.MkdirTemp("", "cairn-bench")
	if err != nil {
		b.Fatal(err)
	}
	c = suite.cairn(home)
	c.ok(b, "engine", "du") // started outside the timing
	return c, filepath.Join(home, "out"), func() {
		c.ok(b, "engine", "stop")
		os.RemoveAll(home)
	}
}

// timed runs cairn and returns the wall time and the peak RSS in MB.
func timed(b *testing.B, c cairn, args ...string) (float64, float64) {
	b.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start).Seconds()
	if err != nil {
		b.Fatalf("cairn %s: %v\n%s", strings.Join(args, " "), err, clip(string(out)))
	}
	rss := 0.0
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(u.Maxrss) / 1024
	}
	return d, rss
}

// timedShell runs a shell script and returns its wall time.
func timedShell(b *testing.B, dir, script string) float64 {
	b.Helper()
	cmd := exec.Command("/bin/sh", "-euc", script)
	cmd.Dir = dir
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", script, err, clip(string(out)))
	}
	return time.Since(start).Seconds()
}

// imagesRecipe: a minbase tree with a stamp, on a GPT disk of a FAT32
// ESP (256M) and an ext4 root; three such disks for the no-op.
const imagesRecipe = `load("@cairn//distros/debian.star", "debian")

tree = merge([debian.rootfs(suite = "bookworm", variant = "minbase"), files({"etc/bench-stamp": "@STAMP@\n"})])
esp = partition(name = "esp", fs = "fat32", size = "256M", type = "esp", contents = files({"EFI/BOOT/bench.txt": "cairn bench\n"}))

def img(name, size):
    return disk(name = name, partitions = [esp, partition(name = "root", fs = "ext4", size = size, contents = tree)])

target("tree", tree)
target("disk", img("disk", "1G"))
target("disk-b", img("disk-b", "512M"))
target("disk-c", img("disk-c", "768M"))
`

// peerDisk makes the same disk with the standard tools from the tree
// cairn exported.
const peerDisk = `rm -f esp.img root.img disk.img
truncate -s 256M esp.img && mkfs.vfat -F 32 -n ESP esp.img >/dev/null
mkdir -p efi/EFI/BOOT && echo 'cairn bench' > efi/EFI/BOOT/bench.txt && mcopy -s -i esp.img efi/EFI ::
mke2fs -q -F -t ext4 -L root -d tree root.img 1G
truncate -s 1283M disk.img
printf 'label: gpt\nstart=2048, size=524288, type=U\nstart=526336, size=2097152, type=L\n' | sfdisk -q disk.img
dd if=esp.img of=disk.img bs=1M seek=1 conv=notrunc,sparse status=none
dd if=root.img of=disk.img bs=1M seek=257 conv=notrunc,sparse status=none
`

func benchImages(b *testing.B, t *table, reps int) {
	c := freshEngine(b)
	proj := b.TempDir()
	recipe := filepath.Join(proj, "cairn.star")
	stamp := func(s string) { writeFile(b, recipe, strings.ReplaceAll(imagesRecipe, "@STAMP@", s)) }
	stamp("0")
	c.ok(b, "lock", "-f", recipe)
	out := filepath.Join(b.TempDir(), "out")
	peerDir := b.TempDir()
	c.ok(b, "build", "-f", recipe, "-o", out, "--progress", "quiet", "disk") // warm: the tools roots of mkfs
	var cairnT, peerT, ddT []float64
	for i := range reps {
		stamp(fmt.Sprint(i + 1))
		c.ok(b, "build", "-f", recipe, "-o", out, "--progress", "quiet", "tree") // the tree is the input, warm
		os.RemoveAll(filepath.Join(peerDir, "tree"))
		if err := exec.Command("cp", "-a", filepath.Join(out, "tree"), filepath.Join(peerDir, "tree")).Run(); err != nil {
			b.Fatal(err)
		}
		d, _ := timed(b, c, "build", "-f", recipe, "-o", out, "--progress", "quiet", "disk")
		cairnT = append(cairnT, d)
		peerT = append(peerT, timedShell(b, peerDir, peerDisk))
		ddT = append(ddT, timedShell(b, peerDir, "dd if=/dev/zero of=raw.img bs=1M count=1283 status=none && rm raw.img"))
	}
	t.add(row{measure: "disk image (FAT32 256M + ext4 1G, GPT) from a minbase tree, warm engine", cairn: cairnT,
		peer: "mke2fs -d + mkfs.vfat/mcopy + sfdisk + dd", peerRuns: peerT, goal: "<= 1.0"})
	t.add(row{measure: "  the same disk vs a raw dd of its size", cairn: cairnT, peer: "dd if=/dev/zero (1283 MiB)", peerRuns: ddT, goal: "<= 2.0"})

	// No-op: the three images built, nothing changed.
	c.ok(b, "build", "-f", recipe, "-o", out, "--progress", "quiet", "disk", "disk-b", "disk-c")
	var noop, rss []float64
	for range reps {
		d, m := timed(b, c, "build", "-f", recipe, "-o", out, "--progress", "quiet", "disk", "disk-b", "disk-c")
		noop, rss = append(noop, d), append(rss, m)
	}
	_, mrss := minMed(rss)
	t.add(row{measure: "no-op rebuild of 3 disk images (3.3 GB apparent)", cairn: noop, peer: "—", goal: "< 0.3 s",
		extra: fmt.Sprintf(", %.0f MB RSS", mrss)})

	// No-op of a disk from a local() tree of 165 MB.
	lp := b.TempDir()
	rnd := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 5<<20)
	for i := range 33 {
		for j := range buf {
			buf[j] = byte(rnd.Uint32())
		}
		if err := os.MkdirAll(filepath.Join(lp, "tree", fmt.Sprintf("d%d", i%4)), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(lp, "tree", fmt.Sprintf("d%d", i%4), fmt.Sprintf("f%02d", i)), buf, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	writeFile(b, filepath.Join(lp, "cairn.star"), `target("disk", disk(name = "local", partitions = [partition(name = "root", fs = "ext4", size = "1300M", contents = local("tree"))]))`+"\n")
	lout := filepath.Join(b.TempDir(), "out")
	c.ok(b, "lock", "-f", filepath.Join(lp, "cairn.star")) // the tools root's packages, as a project keeps them
	c.ok(b, "build", "-f", filepath.Join(lp, "cairn.star"), "-o", lout, "--progress", "quiet")
	noop, rss = nil, nil
	for range reps {
		d, m := timed(b, c, "build", "-f", filepath.Join(lp, "cairn.star"), "-o", lout, "--progress", "quiet")
		noop, rss = append(noop, d), append(rss, m)
	}
	_, mrss = minMed(rss)
	t.add(row{measure: "no-op rebuild of a disk from a local() tree (165 MB tree, 1.3 GB image)", cairn: noop, peer: "—",
		goal: "< 0.3 s, < 100 MB", extra: fmt.Sprintf(", %.0f MB RSS", mrss)})
}

// rootfsRecipeBench: minbase, minbase plus one package, for both arches.
const rootfsRecipeBench = `load("@cairn//distros/debian.star", "debian")

target("minbase", debian.rootfs(suite = "bookworm", variant = "minbase"))
target("plus", debian.rootfs(suite = "bookworm", variant = "minbase", packages = ["hello"]))
target("minbase-arm64", debian.rootfs(suite = "bookworm", variant = "minbase", arch = "arm64"))
`

// lockedBenchProject writes and locks a recipe with the shared engine.
func lockedBenchProject(b *testing.B, recipe string) string {
	dir := b.TempDir()
	writeFile(b, filepath.Join(dir, "cairn.star"), recipe)
	shared(b).ok(b, "lock", "-f", filepath.Join(dir, "cairn.star"), "--platform", "linux/amd64,linux/arm64")
	return dir
}

func benchRootfs(b *testing.B, t *table, reps int) {
	mm, err := exec.LookPath("mmdebstrap")
	if err != nil {
		b.Skip("mmdebstrap is not installed (make bench installs it)")
	}
	mirror := hostMirror(b)
	proj := lockedBenchProject(b, rootfsRecipeBench)
	recipe := filepath.Join(proj, "cairn.star")
	var cold, add, peer, export, imp []float64
	for range reps {
		c, out, done := benchEngine(b)
		d, _ := timed(b, c, "build", "-f", recipe, "-o", out, "--locked", "--progress", "quiet", "minbase")
		cold = append(cold, d)
		d, _ = timed(b, c, "build", "-f", recipe, "-o", out, "--locked", "--progress", "quiet", "plus")
		add = append(add, d)
		done()

		peer = append(peer, timeMmdebstrapArch(b, mm, mirror, "amd64").Seconds())

		cache, err := os.MkdirTemp("", "cairn-bench-cache")
		if err != nil {
			b.Fatal(err)
		}
		e1, out1, done1 := benchEngine(b)
		d, _ = timed(b, e1, "build", "-f", recipe, "-o", out1, "--locked", "--progress", "quiet",
			"--cache-to", "type=local,dest="+cache, "minbase")
		export = append(export, d)
		done1()
		e2, out2, done2 := benchEngine(b)
		d, _ = timed(b, e2, "build", "-f", recipe, "-o", out2, "--locked", "--progress", "quiet",
			"--cache-from", "type=local,src="+cache, "minbase")
		imp = append(imp, d)
		done2()
		os.RemoveAll(cache)
	}
	t.add(row{measure: "add one package (hello) to a built amd64 minbase", cairn: add, peer: "cairn cold minbase", peerRuns: cold, goal: "<= 0.10"})
	t.add(row{measure: "cold minbase rootfs amd64 (fresh engine)", cairn: cold, peer: "mmdebstrap --variant=minbase", peerRuns: peer, goal: "<= 0.5"})
	t.add(row{measure: "a second engine importing the first's cache (--cache-from type=local), minbase", cairn: imp, peer: "cairn cold minbase", peerRuns: cold, goal: "<= 0.10"})
	t.add(row{measure: "the first build exporting that cache (--cache-to type=local, mode=max)", cairn: export, peer: "cairn cold minbase", peerRuns: cold, goal: "<= 1.2"})
}

func timeMmdebstrapArch(b *testing.B, mm, mirror, arch string) time.Duration {
	dir := filepath.Join(b.TempDir(), "mm")
	cmd := exec.Command(mm, "--quiet", "--variant=minbase", "--mode=root", "--architectures="+arch, "bookworm", dir, mirror)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("mmdebstrap: %v\n%s", err, out)
	}
	d := time.Since(start)
	os.RemoveAll(dir)
	return d
}

func benchArm64(b *testing.B, t *table, reps int) {
	needEmulation(b, "arm64")
	mm, err := exec.LookPath("mmdebstrap")
	if err != nil {
		b.Skip("mmdebstrap is not installed (make bench installs it)")
	}
	mirror := hostMirror(b)
	proj := lockedBenchProject(b, rootfsRecipeBench)
	var cold, peer []float64
	for range reps {
		c, out, done := benchEngine(b)
		d, _ := timed(b, c, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--locked", "--progress", "quiet", "minbase-arm64")
		cold = append(cold, d)
		done()
		peer = append(peer, timeMmdebstrapArch(b, mm, mirror, "arm64").Seconds())
	}
	t.add(row{measure: "cold minbase rootfs arm64 (fresh engine)", cairn: cold, peer: "mmdebstrap --architectures=arm64", peerRuns: peer, goal: "<= 0.3"})
	amd := t.find("cold minbase rootfs amd64")
	if amd != nil {
		t.add(row{measure: "  arm64 cold vs amd64 cold", cairn: cold, peer: "cairn cold minbase amd64", peerRuns: amd.cairn, goal: "<= 1.5"})
	}
}

func (t *table) find(prefix string) *row {
	for i := range t.rows {
		if strings.HasPrefix(t.rows[i].measure, prefix) {
			return &t.rows[i]
		}
	}
	return nil
}

// boardsRecipe: one arm64 minbase system on three boards, or on one.
const boardsRecipe = `load("@cairn//boards/qemu_virt_arm64.star", "qemu_virt_arm64")
load("@cairn//boards/raspberrypi.star", "raspberrypi")

REPOS = [repo.deb(suite = "bookworm", components = ["main", "non-free-firmware"])]
system = rootfs(repos = REPOS, arch = "arm64", files = [files({"etc/hostname": "bench\n"})])

target("qemu", qemu_virt_arm64.image(rootfs = system, repos = REPOS))
target("rpi4", raspberrypi(model = 4).image(rootfs = system, repos = REPOS))
target("rpi3", raspberrypi(model = 3).image(rootfs = system, repos = REPOS))
`

func benchBoards(b *testing.B, t *table, reps int) {
	needEmulation(b, "arm64")
	proj := lockedBenchProject(b, boardsRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	var one, three []float64
	for range reps {
		for _, targets := range [][]string{{"qemu"}, {"qemu", "rpi4", "rpi3"}} {
			c, out, done := benchEngine(b)
			d, _ := timed(b, c, append([]string{"build", "-f", recipe, "-o", out, "--locked", "--progress", "quiet"}, targets...)...)
			if len(targets) == 1 {
				one = append(one, d)
			} else {
				three = append(three, d)
			}
			done()
		}
	}
	t.add(row{measure: "3 boards sharing an arm64 rootfs, cold", cairn: three, peer: "1 board, cold", peerRuns: one, goal: "<= 1.1"})
}
