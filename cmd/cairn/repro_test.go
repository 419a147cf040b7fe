package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// helloExample is the flagship example, as the tests reach it.
const helloExample = "../../examples/hello/cairn.star"

// helloTargets are the example's targets.
var helloTargets = []string{"tree", "tarball", "initramfs"}

// TestReproducibleAcrossFreshEngines builds the example on two brand-new
// engines (no shared cache) and requires the same bytes, modes, times and
// record digests; then reads the archives with independent tools.
func TestReproducibleAcrossFreshEngines(t *testing.T) {
	var outs [2]string
	for i := range outs {
		c := freshEngine(t)
		outs[i] = filepath.Join(t.TempDir(), "out")
		c.ok(t, "build", "-f", helloExample, "-o", outs[i], "--progress", "plain")
		c.ok(t, "engine", "stop") // one engine at a time: the host has few cores
	}
	a, b := snapshot(t, outs[0]), snapshot(t, outs[1])
	for _, d := range diffSnapshots(a, b, false) {
		t.Errorf("the two builds differ: %s", d)
	}
	for _, p := range []string{"tree/init", "tree/etc/motd", "tarball/hello.tar", "initramfs/initrd.cpio"} {
		if _, ok := a[p]; !ok {
			t.Errorf("output lacks %s", p)
		}
	}
	checkEpochTimes(t, a, 315532800)
	for _, target := range helloTargets {
		if da, db := readRecord(t, outs[0], target).Digest, readRecord(t, outs[1], target).Digest; da != db || !digestRE.MatchString(da) {
			t.Errorf("%s: record digests %q and %q, want equal sha256 digests", target, da, db)
		}
	}
	t.Run("tar", func(t *testing.T) { checkTarListing(t, filepath.Join(outs[0], "tarball", "hello.tar")) })
	t.Run("cpio", func(t *testing.T) { checkCpioListing(t, filepath.Join(outs[0], "initramfs", "initrd.cpio")) })
}

// checkEpochTimes checks the times of everything inside the targets' output
// directories (which themselves, and the records, are cairn's, dated now).
func checkEpochTimes(t *testing.T, snap map[string]entry, epoch int64) {
	t.Helper()
	for p, e := range snap {
		if strings.Contains(p, "/") && e.mtime != epoch {
			t.Errorf("%s: mtime %d, want %d", p, e.mtime, epoch)
		}
	}
}

// listing runs an archive lister in UTC and returns its lines' fields.
func listing(t *testing.T, stdin string, name string, args ...string) [][]string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (run make setup): %v", name, err)
	}
	f, err := os.Open(stdin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdin = f
	cmd.Env = append(os.Environ(), "TZ=UTC", "LC_ALL=C")
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	var lines [][]string
	for l := range strings.Lines(string(b)) {
		lines = append(lines, strings.Fields(l))
	}
	return lines
}

// find returns the listing line naming path last.
func find(t *testing.T, lines [][]string, path string) []string {
	t.Helper()
	for _, f := range lines {
		if len(f) > 0 && f[len(f)-1] == path {
			return f
		}
	}
	t.Fatalf("listing lacks %s: %q", path, lines)
	return nil
}

// checkTarListing checks GNU tar's view: etc/motd owned 0/0, dated 1980-01-01.
func checkTarListing(t *testing.T, tarball string) {
	lines := listing(t, tarball, "tar", "--numeric-owner", "--full-time", "-tvf", "-")
	motd := find(t, lines, "etc/motd")
	if len(motd) != 6 || motd[1] != "0/0" || motd[3] != "1980-01-01" || motd[4] != "00:00:00" {
		t.Errorf("tar -tvf: etc/motd listed as %q; want owner 0/0, time 1980-01-01 00:00:00", motd)
	}
}

// checkCpioListing checks GNU cpio's view: init, executable, owned 0 0, from 1980.
func checkCpioListing(t *testing.T, archive string) {
	lines := listing(t, archive, "cpio", "-itv", "--numeric-uid-gid", "--quiet")
	init := find(t, lines, "init")
	if len(init) < 5 || init[0] != "-rwxr-xr-x" || init[2] != "0" || init[3] != "0" || !slices.Contains(init, "1980") {
		t.Errorf("cpio -itv: init listed as %q; want -rwxr-xr-x, owner 0 0, dated 1980", init)
	}
}

// TestMultiPlatformOutput builds one target for two platforms: the engine's
// local exporter writes one directory per platform, here with identical
// contents (the example runs no platform-specific step).
func TestMultiPlatformOutput(t *testing.T) {
	c := shared(t)
	for _, arch := range arches {
		needEmulation(t, arch)
	}
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", helloExample, "-o", out, "tree", "--platform", "linux/amd64,linux/arm64", "--progress", "plain")
	dir := filepath.Join(out, "tree")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{"linux_amd64", "linux_arm64"}; !slices.Equal(names, want) {
		t.Fatalf("%s holds %q, want %q", dir, names, want)
	}
	amd, arm := snapshot(t, filepath.Join(dir, "linux_amd64")), snapshot(t, filepath.Join(dir, "linux_arm64"))
	if _, ok := amd["init"]; !ok {
		t.Errorf("linux_amd64 lacks init: %v", amd)
	}
	for _, d := range diffSnapshots(amd, arm, true) {
		t.Errorf("linux_amd64 and linux_arm64 differ: %s", d)
	}
	if rec := readRecord(t, out, "tree"); !slices.Equal(rec.Platforms, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("tree.cairn.json platforms = %q, want linux/amd64 and linux/arm64", rec.Platforms)
	}
}
