package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// BenchmarkKernelVsMake builds examples/kernel's tinyconfig kernel (Debian's
// linux-source-6.1, fragments, olddefconfig, the drop check, kbuild) cold in
// a fresh engine, then again after one symbol changed (the object tree
// comes from the cache mount), against the same config built by plain
// `make` in the same tree on the host: the tarball extracted, tinyconfig,
// merge_config.sh, olddefconfig, make -j. Ratios: cairn cold / make cold
// (goal at most 1.15), cairn incremental / cairn cold (goal at most 0.25).
// The incremental kernel must be byte for byte the one a cold build of the
// changed config in another fresh engine makes.
func BenchmarkKernelVsMake(b *testing.B) {
	needEngine(b)
	for _, tool := range []string{"make", "gcc", "bison", "flex", "bc"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s is not installed (make bench installs the kernel's build tools)", tool)
		}
	}
	var cold, incr, peer time.Duration
	for b.Loop() {
		c := freshEngine(b)
		proj := b.TempDir()
		if err := os.CopyFS(proj, os.DirFS(kernelExample)); err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(b.TempDir(), "out")
		args := []string{"build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--locked", "--progress", "quiet", "kernel-x86"}
		c.ok(b, "engine", "du") // starts the engine outside the timing
		start := time.Now()
		c.ok(b, args...)
		cold = time.Since(start)
		// One symbol more in the fragment file: config step and an
		// incremental kbuild in the cached object tree.
		frag := filepath.Join(proj, "kernel", "qemu-x86.cfg")
		writeFile(b, frag, readFile(b, frag)+"CONFIG_RD_BZIP2=y\n") // a symbol few files read
		start = time.Now()
		c.ok(b, args...)
		incr = time.Since(start)
		sameCold(b, c, args, out)

		tarball := kernelTarball(b, c, proj)
		peer = timeKernelMake(b, tarball, filepath.Join(kernelExample, "kernel", "qemu-x86.cfg"))
		c.ok(b, "engine", "stop")
	}
	b.ReportMetric(cold.Seconds(), "s/cairn-cold")
	b.ReportMetric(peer.Seconds(), "s/make-cold")
	b.ReportMetric(incr.Seconds(), "s/cairn-incremental")
	fmt.Fprintf(os.Stderr, "kernel (tinyconfig 6.1): cairn cold %.1fs, plain make cold %.1fs (ratio %.2f); one symbol changed %.1fs (%.2f of cold)\n",
		cold.Seconds(), peer.Seconds(), cold.Seconds()/peer.Seconds(), incr.Seconds(), incr.Seconds()/cold.Seconds())
}

// kernelTarball exports the linux-source package's tarball with cairn.
func kernelTarball(b *testing.B, c cairn, proj string) string {
	b.Helper()
	writeFile(b, filepath.Join(proj, "cairn.star"), readFile(b, filepath.Join(proj, "cairn.star"))+"\ntarget(\"linux-source\", linux)\n")
	out := filepath.Join(b.TempDir(), "src")
	c.ok(b, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--locked", "--progress", "quiet", "linux-source")
	found, _ := filepath.Glob(filepath.Join(out, "linux-source", "usr", "src", "linux-source-*.tar.xz"))
	if len(found) != 1 {
		b.Fatalf("want one linux-source tarball, have %v", found)
	}
	return found[0]
}

// timeKernelMake is the peer: the same tarball and fragment, built with
// the host's make and gcc.
func timeKernelMake(b *testing.B, tarball, fragment string) time.Duration {
	b.Helper()
	dir := b.TempDir()
	src, obj := filepath.Join(dir, "src"), filepath.Join(dir, "obj")
	if err := os.MkdirAll(src, 0o755); err != nil {
		b.Fatal(err)
	}
	frag, err := filepath.Abs(fragment)
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, args ...string) {
		b.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "ARCH=x86_64", "LC_ALL=C.UTF-8")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(string(out), 3000))
		}
	}
	start := time.Now()
	run("tar", "-xf", tarball, "-C", src, "--strip-components=1")
	run("make", "-s", "-C", src, "O="+obj, "tinyconfig")
	run(filepath.Join(src, "scripts/kconfig/merge_config.sh"), "-m", "-O", obj, filepath.Join(obj, ".config"), frag)
	run("make", "-s", "-C", src, "O="+obj, "olddefconfig")
	run("make", "-s", "-C", src, "O="+obj, fmt.Sprintf("-j%d", runtime.NumCPU()))
	return time.Since(start)
}

// sameCold builds args again cold in a fresh engine of its own and wants
// the bytes the incremental build left in out: the cache mount's object
// tree changes how long a build takes, never what it makes.
func sameCold(b *testing.B, c cairn, args []string, out string) {
	b.Helper()
	c.ok(b, "engine", "stop")
	fresh := freshEngine(b)
	coldOut := filepath.Join(b.TempDir(), "out")
	cold := append([]string(nil), args...)
	for i, a := range cold {
		if a == out {
			cold[i] = coldOut
		}
	}
	fresh.ok(b, cold...)
	fresh.ok(b, "engine", "stop")
	want, got := treeSums(b, out), treeSums(b, coldOut)
	for p, sum := range want {
		if got[p] != sum {
			b.Errorf("%s differs between the incremental build and a cold one in a fresh engine", p)
		}
	}
	if len(got) != len(want) {
		b.Errorf("the incremental build wrote %d files, the cold one %d", len(want), len(got))
	}
	if !b.Failed() {
		fmt.Fprintf(os.Stderr, "kernel: the incremental build and a cold one in a fresh engine are identical (%d files)\n", len(want))
	}
}
