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
		{Name: "file", Type: "string", Doc: "the image file inside the artifact (a glob: `*.iso`)"},
		{Name: "system", Type: "string", Doc: "the qemu system binary: `qemu-system-x86_64` or `qemu-system-aarch64`"},
		{Name: "machine", Type: "string", Doc: "qemu's machine: `pc`, `q35`, `virt`"},
		{Name: "cpu", Type: "string", Default: `"max"`, Doc: "qemu's CPU model under emulation (`host` is used under KVM)"},
		{Name: "firmware", Type: "list of string", Default: `["uefi"]`, Doc: "what boots it, the first the default: `uefi` (OVMF on x86_64, AAVMF on arm64) or `bios` (x86_64)"},
		{Name: "media", Type: "string", Default: `"disk"`, Doc: "`disk` or `cdrom`"},
		{Name: "bus", Type: "string", Default: `"virtio"`, Doc: "the disk's interface: `virtio`, `ide`, `nvme`"},
		{Name: "secure_boot", Type: "bool", Default: "False", Doc: "the image's boot chain is signed: boot with Secure Boot enforcing, with a variable store enrolling its key (`cairn vm --vars`)"},
		{Name: "memory", Type: "int", Default: "1024", Doc: "MiB of memory"},
	},
	Returns: "artifact",
	Doc: "Boards call it from their .star file (board(emulator = {...})), so a vendor's board gets `cairn vm` by declaring " +
		"how qemu runs it; a board without a profile is refused by `cairn vm` with that reason. The profile does not change " +
		"the artifact or its graph.",
	Example: `target("disk", vm_profile(disk(name = "d", partitions = parts), file = "d.img", system = "qemu-system-x86_64", machine = "q35"))`,
	fn:      vmProfileFn,
}

// VMProfile says how to boot an image in qemu-system (see `cairn vm`).
type VMProfile struct {
	File, System, Machine, CPU string
	Firmware                   []string
	Media, Bus                 string
	SecureBoot                 bool
	Memory                     int
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
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "artifact", &art, "file", &p.File, "system", &p.System, "machine", &p.Machine,
		"cpu?", &p.CPU, "firmware?", &fwv, "media?", &p.Media, "bus?", &p.Bus, "secure_boot?", &p.SecureBoot, "memory?", &p.Memory); err != nil {
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
	case p.File == "":
		return nil, errParam(b.Name(), "file", `""`, `the image's file name inside the artifact, like "disk.img" or "*.iso"`)
	case !qemuSystem.MatchString(p.System):
		return nil, errParam(b.Name(), "system", quote(p.System), `"qemu-system-x86_64" or "qemu-system-aarch64"`)
	case !qemuWord.MatchString(p.Machine):
		return nil, errParam(b.Name(), "machine", quote(p.Machine), `a qemu machine like "q35" or "virt"`)
	case !qemuWord.MatchString(p.CPU):
		return nil, errParam(b.Name(), "cpu", quote(p.CPU), `a qemu CPU model like "max"`)
	case len(p.Firmware) == 0:
		return nil, errParam(b.Name(), "firmware", "[]", `["uefi"], ["bios"] or both`)
	case p.Media != "disk" && p.Media != "cdrom":
		return nil, errParam(b.Name(), "media", quote(p.Media), `"disk" or "cdrom"`)
	case !slices.Contains([]string{"virtio", "ide", "nvme", "scsi"}, p.Bus):
		return nil, errParam(b.Name(), "bus", quote(p.Bus), `"virtio", "ide", "nvme" or "scsi"`)
	case p.Memory < 64:
		return nil, errParam(b.Name(), "memory", fmt.Sprint(p.Memory), "at least 64 (MiB)")
	}
	for _, f := range p.Firmware {
		if f != "uefi" && f != "bios" || f == "bios" && p.System != "qemu-system-x86_64" {
			return nil, errParam(b.Name(), "firmware", quote(f), `"uefi", or "bios" for qemu-system-x86_64`)
		}
	}
	out := *art.v
	out.vm = &p
	return &out, nil
}

// VM is the target's emulator profile, or nil when its artifact has none.
func (t *Target) VM() *VMProfile { return t.Artifact.vm }
