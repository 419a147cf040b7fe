package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
)

// minbaseRecipe is the system both tools build: Debian bookworm, variant
// minbase, this host's architecture, as a directory.
const minbaseRecipe = `load("@cairn//distros/debian.star", "debian")

target("minbase", debian.rootfs(suite = "bookworm", variant = "minbase"))
`

// BenchmarkMinbaseVsMmdebstrap builds a bookworm minbase root filesystem
// cold with cairn (fresh engine and metadata cache, no lockfile: indexes,
// resolution, downloads, unpack, configure) and with `mmdebstrap
// --variant=minbase` from the same mirror, then times a no-op cairn
// rebuild. It reports seconds and the ratios cairn/mmdebstrap.
func BenchmarkMinbaseVsMmdebstrap(b *testing.B) {
	needEngine(b)
	mm, err := exec.LookPath("mmdebstrap")
	if err != nil {
		b.Skip("mmdebstrap is not installed (make bench installs it)")
	}
	mirror := hostMirror(b)
	var cold, warm, ref time.Duration
	n := 0
	for b.Loop() {
		cold += timeColdCairn(b)
		ref += timeMmdebstrap(b, mm, mirror)
		n++
	}
	warm = timeWarmCairn(b)
	per := func(d time.Duration) float64 { return d.Seconds() / float64(n) }
	b.ReportMetric(per(cold), "s/cairn-cold")
	b.ReportMetric(per(ref), "s/mmdebstrap")
	b.ReportMetric(warm.Seconds(), "s/cairn-warm-noop")
	b.ReportMetric(per(cold)/per(ref), "cold-ratio")
	fmt.Fprintf(os.Stderr, "minbase bookworm: cairn cold %.1fs, mmdebstrap %.1fs (ratio %.2f), cairn warm no-op %.2fs\n",
		per(cold), per(ref), per(cold)/per(ref), warm.Seconds())
}

func hostMirror(b *testing.B) string {
	srcs, err := debrepo.ReadHostSources("/")
	if err != nil {
		b.Fatal(err)
	}
	m, ok := debrepo.MirrorFor(srcs, "bookworm")
	if !ok {
		b.Skip("the host's apt sources list no mirror for bookworm")
	}
	return m
}

// timeColdCairn times one cold build. The benchmark's own timer keeps
// running (setup included), so `go test` sees a long iteration and runs it
// once; the reported figures are these measured durations.
func timeColdCairn(b *testing.B) time.Duration {
	c := freshEngine(b)
	proj := newProject(b, minbaseRecipe)
	c.ok(b, "engine", "du") // starts the engine outside the timing
	start := time.Now()
	c.ok(b, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", filepath.Join(b.TempDir(), "out"), "--progress", "quiet")
	d := time.Since(start)
	c.ok(b, "engine", "stop")
	return d
}

func timeMmdebstrap(b *testing.B, mm, mirror string) time.Duration {
	return timeMmdebstrapArch(b, mm, mirror, "amd64")
}

// timeWarmCairn times a rebuild with everything cached, the second of two.
func timeWarmCairn(b *testing.B) time.Duration {
	c := freshEngine(b)
	proj := newProject(b, minbaseRecipe)
	args := []string{"build", "-f", filepath.Join(proj, "cairn.star"), "-o", filepath.Join(b.TempDir(), "out"), "--progress", "quiet"}
	c.ok(b, args...)
	start := time.Now()
	c.ok(b, args...)
	return time.Since(start)
}
