package main

// A live ISO split into a daisy-chained volume set: every volume carries
// the set's fields and manifest, the images' hashes check out, and the
// boot volume's initramfs finds and verifies the others before it starts
// the system.

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// volumeSetRecipe puts 120 MiB of payload beside a live system and splits
// the ISO at 96 MiB: volume 1 holds the boot files and the system, the
// payload spills onto the next volumes.
const volumeSetRecipe = `load("@cairn//boards/pc_x86_64.star", "pc_x86_64")
load("@cairn//distros/debian.star", "debian")

REPOS = debian.repos()
base = debian.rootfs(arch = "amd64", files = [
    files({"etc/hostname": "edge\n"}),
    files({"usr/sbin/cairn-init": "#!/bin/sh\nmount -t proc proc /proc\necho \"CAIRN-SYSTEM-UP $(uname -m) $(cat /etc/hostname)\"\necho o > /proc/sysrq-trigger\n"}, mode = 0o755),
])
payload = run("for i in 1 2 3; do head -c 40M /dev/zero | tr '\\\\0' \"$i\" > /out/payload-$i.bin; done", rootfs = base, output = "/out")
target("set", pc_x86_64.iso(rootfs = base, repos = REPOS, volume_id = "SET", name = "set",
    extra = files({"payload": payload}), max_volume_size = "96M", cmdline = "init=/usr/sbin/cairn-init"))
`

func TestISOVolumeSetBoots(t *testing.T) {
	c := shared(t)
	dir := newProject(t, volumeSetRecipe)
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", filepath.Join(dir, "cairn.star"), "-o", out, "--progress", "plain", "set")
	vols, _ := filepath.Glob(filepath.Join(out, "set", "set-*.iso"))
	if len(vols) < 2 {
		t.Fatalf("want a volume set of 2 or more ISOs, got %v", vols)
	}
	run(t, "sh", "-c", "cd "+filepath.Join(out, "set")+" && sha256sum -c --quiet set.sha256")
	var manifest string
	for i, v := range vols {
		d := run(t, "isoinfo", "-d", "-i", v)
		for _, want := range []string{
			`(?m)^Volume set size is: ` + itoa(int64(len(vols))) + `$`,
			`(?m)^Volume set sequence number is: ` + itoa(int64(i+1)) + `$`,
		} {
			if !regexp.MustCompile(want).MatchString(d) {
				t.Errorf("%s: isoinfo -d lacks %s:\n%s", filepath.Base(v), want, d)
			}
		}
		dst := filepath.Join(t.TempDir(), "cairn-volumes.txt")
		run(t, "xorriso", "-osirrox", "on", "-indev", v, "-extract", "/cairn-volumes.txt", dst)
		m := readFile(t, dst)
		if i == 0 {
			manifest = m
		} else if m != manifest {
			t.Errorf("%s carries a different cairn-volumes.txt", filepath.Base(v))
		}
	}
	if !strings.Contains(manifest, "payload/payload-3.bin") {
		t.Errorf("manifest does not list the payload:\n%s", manifest)
	}
	// cairn vm puts every volume of the set in a CD drive of its own.
	log := vmExpect(t, c, filepath.Join(dir, "cairn.star"), out, "set", bootMarker+" x86_64 edge", "--firmware", "bios")
	if !strings.Contains(log, "volume set verified") {
		t.Errorf("the initramfs did not verify the volume set; console:\n%s", tail(log, 4000))
	}
}
