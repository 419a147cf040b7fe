package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// helloSourceRecipe builds Debian's hello from source with one patch, as the
// peer pipeline below does.
const helloSourceRecipe = `debian = repo.deb(suite = "bookworm")
src = deb_source("hello", repos = [debian], patches = ["greeting.patch"])
target("hello", deb_package(source = src, repos = [debian], profiles = ["nocheck"], options = ["nocheck"]))
`

// BenchmarkHelloVsSbuildPipeline builds hello from source with a patch,
// cold (fresh engine, no lock: Sources and Packages indexes, build root,
// dpkg-source, dpkg-buildpackage) and warm after a one-line change of the
// patch, against the pipeline a user runs today, as sbuild does:
// `mmdebstrap --variant=buildd`, then in the chroot `apt-get build-dep`,
// `apt-get source`, `patch`, `dpkg-buildpackage -b`; warm, that pipeline
// reuses the buildd chroot and redoes the rest. Ratios are cairn/peer.
func BenchmarkHelloVsSbuildPipeline(b *testing.B) {
	needEngine(b)
	mm, err := exec.LookPath("mmdebstrap")
	if err != nil {
		b.Skip("mmdebstrap is not installed (make bench installs it)")
	}
	mirror := hostMirror(b)
	patch := readFile(b, filepath.Join("testdata", "hello-greeting.patch"))
	var cold, warm, peerCold, peerWarm time.Duration
	for b.Loop() {
		c := freshEngine(b)
		proj := newProject(b, helloSourceRecipe)
		writeFile(b, filepath.Join(proj, "greeting.patch"), patch)
		args := []string{"build", "-f", filepath.Join(proj, "cairn.star"), "-o", filepath.Join(b.TempDir(), "out"), "--progress", "quiet", "hello"}
		c.ok(b, "engine", "du") // starts the engine outside the timing
		start := time.Now()
		c.ok(b, args...)
		cold = time.Since(start)
		writeFile(b, filepath.Join(proj, "greeting.patch"), strings.ReplaceAll(patch, "patched!", "patched, warm!"))
		start = time.Now()
		c.ok(b, args...)
		warm = time.Since(start)
		c.ok(b, "engine", "stop")

		peerCold, peerWarm = timeSbuildPipeline(b, mm, mirror, patch)
	}
	b.ReportMetric(cold.Seconds(), "s/cairn-cold")
	b.ReportMetric(peerCold.Seconds(), "s/peer-cold")
	b.ReportMetric(warm.Seconds(), "s/cairn-warm")
	b.ReportMetric(peerWarm.Seconds(), "s/peer-warm")
	fmt.Fprintf(os.Stderr, "hello from source: cairn cold %.1fs, peer cold %.1fs (ratio %.2f); after a patch change cairn %.1fs, peer %.1fs (ratio %.2f)\n",
		cold.Seconds(), peerCold.Seconds(), cold.Seconds()/peerCold.Seconds(), warm.Seconds(), peerWarm.Seconds(), warm.Seconds()/peerWarm.Seconds())
}

// timeSbuildPipeline times the peer: a buildd chroot, then build-dep,
// source, patch and build; warm reuses the chroot.
func timeSbuildPipeline(b *testing.B, mm, mirror, patch string) (cold, warm time.Duration) {
	root := filepath.Join(b.TempDir(), "buildd")
	start := time.Now()
	run := func(name string, args ...string) {
		b.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8", "DEBIAN_FRONTEND=noninteractive", "DEB_BUILD_OPTIONS=nocheck", "DEB_BUILD_PROFILES=nocheck"}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run(mm, "--quiet", "--variant=buildd", "--mode=root", "bookworm", root, mirror)
	writeFile(b, filepath.Join(root, "etc/apt/sources.list.d/src.list"), "deb-src "+mirror+" bookworm main\n")
	run("chroot", root, "apt-get", "-qq", "update")
	writeFile(b, filepath.Join(root, "greeting.patch"), patch)
	build := func(dir string) {
		run("chroot", root, "apt-get", "-qq", "build-dep", "-y", "--no-install-recommends", "hello")
		run("chroot", root, "sh", "-c", "mkdir -p "+dir+" && cd "+dir+" && apt-get -qq source hello >/dev/null && "+
			"patch -d hello-2.10 -p1 < /greeting.patch && cd hello-2.10 && dpkg-buildpackage -us -uc -b >/dev/null")
	}
	build("/build1")
	cold = time.Since(start)
	writeFile(b, filepath.Join(root, "greeting.patch"), strings.ReplaceAll(patch, "patched!", "patched, warm!"))
	start = time.Now()
	build("/build2")
	warm = time.Since(start)
	os.RemoveAll(root)
	return cold, warm
}
