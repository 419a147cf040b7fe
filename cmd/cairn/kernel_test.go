package main

// Kernels from source: examples/kernel builds Debian's linux-source-6.1 for
// x86_64 with an out-of-tree module and boots it in qemu; cross-builds
// linux-source-6.12 for arm64 twice, a qemu kernel booting the shared root
// filesystem from a virtio disk with no modules in its initramfs and a
// Raspberry Pi 5 kernel in the Pi 5 image; and checks that a fragment whose
// symbol Kconfig drops, a module built for another kernel and a module for
// a kernel without modules fail naming why.

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
	outs := filepath.Join(dir, "out")
	c.ok(t, "build", "-f", recipe, "-o", outs, "--locked", "--progress", "plain", "qemu-x86", "qemu-arm64", "rpi5",
		"--secret", "id=module-key,src="+filepath.Join(dir, "keys", "module.key"))

	boot := func(t *testing.T, target, marker string) string {
		return vmExpect(t, c, recipe, outs, target, marker, "--locked", "--secret", "id=module-key,src="+filepath.Join(dir, "keys", "module.key"))
	}
	t.Run("x86-module", func(t *testing.T) { checkKernelX86(t, filepath.Join(outs, "qemu-x86"), boot) })
	t.Run("arm64-qemu", func(t *testing.T) { checkKernelArm64(t, filepath.Join(outs, "qemu-arm64"), boot) })
	t.Run("rpi5", func(t *testing.T) { checkKernelRPi5(t, filepath.Join(outs, "rpi5", "raspberrypi5.img")) })
	t.Run("refused", func(t *testing.T) { checkKernelRefusals(t, c, recipe, outs) })
}

// only is the one path matching pattern.
func only(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(pattern)
	if len(m) != 1 {
		t.Fatalf("want one %s, have %v", pattern, m)
	}
	return m[0]
}

// vmBoot boots a target with cairn vm until a marker, returning the console.
type vmBoot func(t *testing.T, target, marker string) string

func checkKernelX86(t *testing.T, out string, boot vmBoot) {
	vmlinuz := only(t, filepath.Join(out, "boot", "vmlinuz-6.1.*-cairn"))
	release := strings.TrimPrefix(filepath.Base(vmlinuz), "vmlinuz-")
	config := readFile(t, filepath.Join(out, "boot", "config-"+release))
	for _, want := range []string{"CONFIG_LOCALVERSION=\"-cairn\"", "CONFIG_PRINTK_TIME=y", "CONFIG_SERIAL_8250_CONSOLE=y", "CONFIG_MODULES=y",
		"CONFIG_MODULE_SIG=y", "CONFIG_MODULE_SIG_FORCE=y", "CONFIG_MODULE_SIG_SHA256=y"} {
		if !strings.Contains(config, want+"\n") {
			t.Errorf("boot/config-%s lacks %s", release, want)
		}
	}
	// The headers tree, with the vermagic modules must carry; the module
	// installed and known to depmod.
	hdr := filepath.Join(out, "usr", "src", "linux-headers-"+release)
	if vm := readFile(t, filepath.Join(hdr, "cairn-vermagic")); !strings.HasPrefix(vm, release+" ") {
		t.Errorf("cairn-vermagic = %q, want it to start with %s", vm, release)
	}
	for _, f := range []string{"Makefile", ".config", "Module.symvers", "include/generated/utsrelease.h", "scripts/mod/modpost", "arch/x86/include/asm/module.h"} {
		if _, err := os.Stat(filepath.Join(hdr, f)); err != nil {
			t.Errorf("headers tree lacks %s: %v", f, err)
		}
	}
	mods := filepath.Join(out, "usr", "lib", "modules", release)
	if dep := readFile(t, filepath.Join(mods, "modules.dep")); !strings.Contains(dep, "updates/cairn_hello.ko:") {
		t.Errorf("modules.dep does not list updates/cairn_hello.ko:\n%s", dep)
	}
	// Signed with the example's key: modinfo reads the signature, and the
	// kernel (MODULE_SIG_FORCE) loads the module below only because it
	// verifies with the certificate built into it.
	ko := filepath.Join(mods, "updates", "cairn_hello.ko")
	for field, want := range map[string]string{"sig_id": "PKCS#7", "signer": "cairn kernel example module key (demo key, do not trust)", "sig_hashalgo": "sha256"} {
		if got := strings.TrimRight(run(t, "/usr/sbin/modinfo", "-F", field, ko), "\n"); got != want {
			t.Errorf("modinfo -F %s cairn_hello.ko = %q, want %q", field, got, want)
		}
	}
	if vm := run(t, "/usr/sbin/modinfo", "-F", "vermagic", ko); !strings.HasPrefix(vm, release+" ") {
		t.Errorf("modinfo -F vermagic cairn_hello.ko = %q, want %s ...", vm, release)
	}
	console := boot(t, "qemu-x86", "CAIRN-KERNEL-UP "+release)
	if !strings.Contains(console, "cairn_hello: hello from an out-of-tree module") {
		t.Errorf("the module's greeting is not on the console:\n%s", tail(console, 3000))
	}
}

func checkKernelArm64(t *testing.T, out string, boot vmBoot) {
	vmlinuz := only(t, filepath.Join(out, "boot", "vmlinuz-6.12.*-qemu"))
	release := strings.TrimPrefix(filepath.Base(vmlinuz), "vmlinuz-")
	// Drivers built in: no module in the initramfs, and none to build.
	if list := run(t, "sh", "-c", "zstd -dc "+filepath.Join(out, "initrd.img")+" | cpio -t --quiet"); strings.Contains(list, ".ko") {
		t.Errorf("the initramfs holds modules:\n%s", list)
	}
	run(t, "e2fsck", "-fn", filepath.Join(out, "root.img"))
	boot(t, "qemu-arm64", "CAIRN-ROOT-UP "+release)
}

func checkKernelRPi5(t *testing.T, img string) {
	tab := partitions(t, img)
	if ps := tab.PartitionTable.Partitions; tab.PartitionTable.Label != "dos" || len(ps) != 2 || ps[0].Type != "c" {
		t.Fatalf("want MBR with a FAT32 boot partition and a root partition, got %+v", tab.PartitionTable)
	}
	boot := extract(t, img, tab, 0)
	run(t, "fsck.fat", "-n", boot)
	listing := run(t, "mdir", "-i", boot, "-b", "::/")
	for _, f := range []string{"config.txt", "cmdline.txt", "bcm2712-rpi-5-b.dtb", "vmlinuz", "initrd.img"} {
		if !strings.Contains(listing, "::/"+f) {
			t.Errorf("boot partition lacks %s:\n%s", f, listing)
		}
	}
	// The Pi 5 kernel is an arm64 Image built from 6.12 with the SD
	// controller built in: the board's modules are all built in, so the
	// initramfs loads nothing and holds no module.
	dir := t.TempDir()
	run(t, "mcopy", "-i", boot, "::/vmlinuz", "::/initrd.img", dir)
	if image := readFile(t, filepath.Join(dir, "vmlinuz")); len(image) < 64 || image[56:60] != "ARM\x64" {
		t.Errorf("vmlinuz has no arm64 Image header (magic ARM\\x64 at 56)")
	}
	run(t, "sh", "-c", "cd "+dir+" && zstd -dc initrd.img | cpio -id --quiet")
	mods := only(t, filepath.Join(dir, "usr", "lib", "modules", "6.12.*-rpi5"))
	if load := readFile(t, filepath.Join(mods, "cairn.load")); load != "" {
		t.Errorf("cairn.load lists modules to load:\n%s", load)
	}
	builtin := readFile(t, filepath.Join(mods, "modules.builtin"))
	for _, m := range []string{"drivers/mmc/host/sdhci-brcmstb.ko", "drivers/mmc/core/mmc_block.ko", "fs/ext4/ext4.ko"} {
		if !strings.Contains(builtin, "kernel/"+m+"\n") {
			t.Errorf("modules.builtin lacks %s", m)
		}
	}
	run(t, "e2fsck", "-fn", extract(t, img, tab, 1))
}

// checkKernelRefusals: the silent drop, a module built for another kernel,
// a module for a kernel without modules.
func checkKernelRefusals(t *testing.T, c cairn, recipe, outs string) {
	base := readFile(t, recipe)
	cases := []struct {
		name, star, call string
		want             []string
	}{{
		// VIRTIO_BLK needs VIRTIO and the block layer, which tinyconfig
		// leaves off; the other symbol does not exist.
		name: "dropped",
		star: `target("dropped", kernel(linux, arch = "amd64", config = "tinyconfig",
    fragments = ["kernel/qemu-x86.cfg", {"VIRTIO_BLK": "y", "NO_SUCH_SYMBOL": "y"}]))
`,
		call: `kernel(linux, arch = "amd64", config = "tinyconfig",`,
		want: []string{
			"2 config symbol(s) not as the fragments asked after olddefconfig",
			"CONFIG_VIRTIO_BLK: asked y at fragments[1] (inline):2, got n", // the dict is written sorted
			"got n: unmet depends on",
			"CONFIG_NO_SUCH_SYMBOL: asked y at",
			"no Kconfig file defines it",
		},
	}, {
		// Built (cross) against the Pi 5 kernel, installed into the x86 one.
		name: "foreign",
		star: `target("foreign", kernel_module(kernel_module(local("hello-module"), rpi5_kernel, standalone = True), qemu_x86))
`,
		call: `kernel_module(kernel_module(`,
		want: []string{
			"kernel_module: module(s) built for another kernel:",
			"cairn_hello.ko: vermagic \"6.12.",
			"-rpi5 SMP",
			"the kernel is 6.1.",
			"build the module from source against this kernel",
		},
	}, {
		name: "no-modules",
		star: `target("no-modules", kernel_module(local("hello-module"), qemu_arm64))
`,
		call: `kernel_module(local("hello-module"), qemu_arm64)`,
		want: []string{`the kernel has no headers tree (usr/src/linux-headers-*): it was built without modules; add {"MODULES": "y"}`},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := base + "\n" + tc.star
			writeFile(t, recipe, text)
			line, col := posOf(t, text, tc.call)
			r := c.run(t, "build", "-f", recipe, "-o", outs, "--progress", "plain", tc.name)
			if r.code != 1 {
				t.Fatalf("want exit 1; %s", r)
			}
			// The failing step's recipe line, from its source map.
			for _, want := range append(tc.want, fmt.Sprintf("%s:%d:%d", recipe, line, col)) {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
	writeFile(t, recipe, base)
}
