package main

// initramfs() is keyed by what goes into it: a package added to the root
// filesystem it picks from leaves its steps cached. (The package is not
// netbase, which TestAddingPackageRebuildsOneLayer adds on the same engine
// and must find uncached.)

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const initramfsRecipe = `load("@cairn//distros/debian.star", "debian")

kernel = package_files(repos = debian.repos(), packages = ["linux-image-amd64"], follow = ["linux-image-*"], arch = "amd64")

def initrd(extra):
    base = debian.rootfs(arch = "amd64", packages = extra)
    return initramfs(rootfs = base, files = ["/usr/bin/dash"], kernel = kernel, modules = ["ext4", "virtio_blk"], init = "/usr/bin/dash")

target("a", initrd([]))
target("b", initrd(["less"]))
`

func TestInitramfsKeyedByContent(t *testing.T) {
	c := shared(t)
	dir := newProject(t, initramfsRecipe)
	out := filepath.Join(t.TempDir(), "out")
	recipe := filepath.Join(dir, "cairn.star")
	c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "a")
	r := c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "b")
	for _, step := range []string{"initramfs modules ext4 virtio_blk", "initramfs initrd.img (zstd)"} {
		if !vertexCached(r.stderr, step) {
			t.Errorf("after adding less to the rootfs, %q ran again; want it cached\n%s", step, r.stderr)
		}
	}
	if a, b := readFile(t, filepath.Join(out, "a", "initrd.img")), readFile(t, filepath.Join(out, "b", "initrd.img")); a != b {
		t.Error("the two initramfs differ")
	}
	list := run(t, "sh", "-c", fmt.Sprintf("zstd -dc %s | cpio -t --quiet", filepath.Join(out, "a", "initrd.img")))
	for _, want := range []string{"init", "usr/bin/dash", "bin", "dev"} {
		if !strings.Contains("\n"+list, "\n"+want+"\n") {
			t.Errorf("cpio -t lacks %s:\n%s", want, list)
		}
	}
	if !regexp.MustCompile(`(?m)^usr/lib/modules/[^/]+/kernel/fs/ext4/ext4\.ko`).MatchString(list) ||
		!regexp.MustCompile(`(?m)^usr/lib/modules/[^/]+/kernel/fs/jbd2/jbd2\.ko`).MatchString(list) {
		t.Errorf("ext4 and its dependency jbd2 are missing:\n%s", list)
	}
}

// vertexCached reports whether BuildKit's plain progress shows the vertex
// named name as CACHED.
func vertexCached(progress, name string) bool {
	m := regexp.MustCompile(`(?m)^#(\d+) \[?` + regexp.QuoteMeta(name)).FindStringSubmatch(progress)
	return m != nil && regexp.MustCompile(`(?m)^#`+m[1]+` CACHED$`).MatchString(progress)
}
