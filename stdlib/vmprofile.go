package stdlib

import (
	"fmt"
	"regexp"
	"slices"

	"go.starlark.net/starlark"
)

var vmProfileBuiltin = Builtin{
	Name:    "vm_profile",
	Summary: "The artifact, marked as bootable in an emulator: what `cairn vm` boots it with.",
	Params: []Param{
		{Name: "artifact", Type: "artifact", Doc: "the image: a disk(), an iso(), a board's image"},
		{Name: "file", Type: "string", Default: `""`, Doc: "the image file inside the artifact (a glob: `*.iso`); may be empty when `kernel` is given"},
		{Name: "system", Type: "string", Doc: "the qemu system binary: `qemu-system-x86_64` or `qemu-system-aarch64`"},
		{Name: "machine", Type: "string", Doc: "qemu's machine: `pc`, `q35`, `virt`"},
		{Name: "cpu", Type: "string", Default: `"max"`, Doc: "qemu's CPU model under emulation (`host` is used under KVM)"},
		{Name: "firmware", Type: "list of string", Default: `["uefi"]`, Doc: "what boots it, the first the default: `uefi` (OVMF on x86_64, AAVMF on arm64) or `bios` (x86_64)"},
		{Name: "media", Type: "string", Default: `"disk"`, Doc: "`disk` or `cdrom`"},
		{Name: "bus", Type: "string", Default: `"virtio"`, Doc: "the disk's interface: `virtio` (PCI), `virtio-mmio` (virtio-blk-device, for kernels with only VIRTIO_MMIO), `ide`, `nvme`, `scsi`"},
		{Name: "secure_boot", Type: "bool", Default: "False", Doc: "the image's boot chain is signed: boot with Secure Boot enforcing, with a variable store enrolling its key (`cairn vm --vars`)"},
		{Name: "memory", Type: "int", Default: "1024", Doc: "MiB of memory"},
		{Name: "kernel", Type: "string", Default: `""`, Doc: "boot this kernel inside the artifact directly (a glob: `boot/vmlinuz-*`), qemu's -kernel, instead of firmware; `file`, when given, is then a disk beside it"},
		{Name: "initrd", Type: "string", Default: `""`, Doc: "with `kernel`: the initramfs inside the artifact (a glob)"},
		{Name: "cmdline", Type: "string", Default: `""`, Doc: "with `kernel`: its command line, like `console=ttyS0 panic=-1`"},
	},
	Returns: "artifact",
	Doc: "Boards call it from their .star file (board(emulator = {...})), so a vendor's board gets `cairn vm` by declaring " +
		"how qemu runs it; a board without a profile is refused by `cairn vm` with that reason. The profile does not change " +
		"the artifact or its graph.",
	Example: `target("disk", vm_profile(disk(name = "d", partitions = parts), file = "d.img", system = "qemu-system-x86_64", machine = "q35"))
target("kernel", vm_profile(merge([k, initramfs]), kernel = "boot/vmlinuz-*", initrd = "initrd.img",
                            cmdline = "console=ttyS0 panic=-1", system = "qemu-system-x86_64", machine = "pc"))`,
	fn: vmProfileFn,
}

// VMProfile says how to boot an image in qemu-system (see `cairn vm`).
type VMProfile struct {
	File, System, Machine, CPU string
	Firmware                   []string
	Media, Bus                 string
	SecureBoot                 bool
	Memory                     int
	// Kernel, Initrd (globs) and Cmdline boot a kernel directly
	// (qemu's -kernel), without firmware; File is then optional.
	Kernel, Initrd, Cmdline string
}

var (
	qemuSystem = regexp.MustCompile(`^qemu-system-(x86_64|aarch64)$`)
	qemuWord   = regexp.MustCompile(`^[a-z0-9][a-z0-9._,=-]*$`)
)

func vmProfileFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	art := artifactArg{}
	p := VMProfile{CPU: "max", Media: "disk", Bus: "virtio", Memory: 1024}
	var fw stringList
	var fwv starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "artifact", &art, "file?", &p.File, "system?", &p.System, "machine?", &p.Machine,
		"cpu?", &p.CPU, "firmware?", &fwv, "media?", &p.Media, "bus?", &p.Bus, "secure_boot?", &p.SecureBoot, "memory?", &p.Memory,
		"kernel?", &p.Kernel, "initrd?", &p.Initrd, "cmdline?", &p.Cmdline); err != nil {
		return nil, err
	}
	p.Firmware = []string{"uefi"}
	if fwv != starlark.None {
		if err := unpackIn(b.Name(), "firmware", &fw, fwv); err != nil {
			return nil, err
		}
		p.Firmware = fw.v
	}
	switch {
	case p.System == "" || p.Machine == "":
		return nil, fmt.Errorf("%s: missing argument for %s", b.Name(), map[bool]string{true: "system", false: "machine"}[p.System == ""])
	case p.File == "" && p.Kernel == "":
		return nil, errParam(b.Name(), "file", `""`, `the image's file name inside the artifact, like "disk.img" or "*.iso" (or a kernel = to boot directly)`)
	case p.Kernel == "" && (p.Initrd != "" || p.Cmdline != ""):
		return nil, errParam(b.Name(), "kernel", `""`, "the kernel that initrd and cmdline go with, like \"boot/vmlinuz-*\"")
	case p.Kernel != "" && fwv != starlark.None:
		return nil, errParam(b.Name(), "firmware", fwv.String(), "none with kernel =: qemu loads the kernel itself")
	case p.Kernel != "" && (p.SecureBoot || p.Media == "cdrom"):
		return nil, errParam(b.Name(), "kernel", quote(p.Kernel), "no kernel with secure_boot or media = \"cdrom\": firmware boots those")
	case !qemuSystem.MatchString(p.System):
		return nil, errParam(b.Name(), "system", quote(p.System), `"qemu-system-x86_64" or "qemu-system-aarch64"`)
	case !qemuWord.MatchString(p.Machine):
		return nil, errParam(b.Name(), "machine", quote(p.Machine), `a qemu machine like "q35" or "virt"`)
	case !qemuWord.MatchString(p.CPU):
		return nil, errParam(b.Name(), "cpu", quote(p.CPU), `a qemu CPU model like "max"`)
	case len(p.Firmware) == 0 && p.Kernel == "":
		return nil, errParam(b.Name(), "firmware", "[]", `["uefi"], ["bios"] or both`)
	case p.Media != "disk" && p.Media != "cdrom":
		return nil, errParam(b.Name(), "media", quote(p.Media), `"disk" or "cdrom"`)
	case !slices.Contains([]string{"virtio", "virtio-mmio", "ide", "nvme", "scsi"}, p.Bus):
		return nil, errParam(b.Name(), "bus", quote(p.Bus), `"virtio", "virtio-mmio", "ide", "nvme" or "scsi"`)
	case p.Memory < 64:
		return nil, errParam(b.Name(), "memory", fmt.Sprint(p.Memory), "at least 64 (MiB)")
	}
	for _, f := range p.Firmware {
		if f != "uefi" && f != "bios" || f == "bios" && p.System != "qemu-system-x86_64" {
			return nil, errParam(b.Name(), "firmware", quote(f), `"uefi", or "bios" for qemu-system-x86_64`)
		}
	}
	if p.Kernel != "" {
		p.Firmware = nil
	}
	out := *art.v
	out.vm = &p
	return &out, nil
}

// VM is the target's emulator profile, or nil when its artifact has none.
func (t *Target) VM() *VMProfile { return t.Artifact.vm }
