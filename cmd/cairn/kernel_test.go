package main

// Kernels from source: examples/kernel builds Debian's linux-source-6.1
// with tinyconfig and fragments, boots it in qemu, and a fragment whose
// symbol Kconfig drops fails naming the symbol and why.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const kernelExample = "../../examples/kernel"

func TestKernelFromSource(t *testing.T) {
	c := shared(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(kernelExample)); err != nil {
		t.Fatal(err)
	}
	recipe := filepath.Join(dir, "cairn.star")
	c.ok(t, "build", "-f", recipe, "-o", filepath.Join(dir, "out"), "--locked", "--progress", "plain", "qemu-x86")
	out := filepath.Join(dir, "out", "qemu-x86")
	kernels, _ := filepath.Glob(filepath.Join(out, "boot", "vmlinuz-6.1.*-cairn"))
	if len(kernels) != 1 {
		t.Fatalf("want one boot/vmlinuz-6.1.*-cairn, have %v", keys(treeSums(t, out)))
	}
	release := strings.TrimPrefix(filepath.Base(kernels[0]), "vmlinuz-")
	config := readFile(t, filepath.Join(out, "boot", "config-"+release))
	for _, want := range []string{"CONFIG_LOCALVERSION=\"-cairn\"", "CONFIG_PRINTK_TIME=y", "CONFIG_SERIAL_8250_CONSOLE=y"} {
		if !strings.Contains(config, want+"\n") {
			t.Errorf("boot/config-%s lacks %s", release, want)
		}
	}
	bootUntil(t, "CAIRN-KERNEL-UP "+release, "qemu-system-x86_64", "-M", "pc", "-kernel", kernels[0],
		"-initrd", filepath.Join(out, "initrd.img"), "-append", "console=ttyS0 panic=-1")

	// The silent drop, caught: VIRTIO_BLK needs VIRTIO and the block
	// layer, which tinyconfig leaves off; the other symbol does not exist.
	text := readFile(t, recipe) + `
target("dropped", kernel(linux, arch = "amd64", config = "tinyconfig",
    fragments = ["kernel/qemu-x86.cfg", {"VIRTIO_BLK": "y", "NO_SUCH_SYMBOL": "y"}]))
`
	writeFile(t, recipe, text)
	line, col := posOf(t, text, `kernel(linux, arch = "amd64", config = "tinyconfig",`)
	r := c.run(t, "build", "-f", recipe, "-o", filepath.Join(dir, "out"), "--progress", "plain", "dropped")
	if r.code != 1 {
		t.Fatalf("want exit 1 for a dropped symbol; %s", r)
	}
	for _, want := range []string{
		"2 config symbol(s) not as the fragments asked after olddefconfig",
		"CONFIG_VIRTIO_BLK: asked y at fragments[1] (inline):2, got n", // the dict is written sorted
		fmt.Sprintf("%s:%d:%d", recipe, line, col),                     // the kernel() call, from the step's source map
		"got n: unmet depends on",
		"CONFIG_NO_SUCH_SYMBOL: asked y at",
		"no Kconfig file defines it",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
