package stdlib

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
)

var partitionBuiltin = Builtin{
	Name:    "partition",
	Summary: "One partition of a disk(): a filesystem built from a tree, or raw bytes.",
	Params: []Param{
		{Name: "name", Type: "string", Doc: "GPT partition name (PARTLABEL) and default filesystem label; unique within the disk"},
		{Name: "fs", Type: "string", Default: `"ext4"`, Doc: `"fat" (FAT12/16/32 by size), "fat32", "ext4", "squashfs" or "raw" (contents is one file, written as is)`},
		{Name: "contents", Type: "artifact", Default: "None", Doc: "the tree to put in the filesystem (for raw: an artifact holding one file); None leaves it empty"},
		{Name: "size", Type: "size", Default: "None", Doc: `size like "512M" or "2G"; None fits the contents (plus some slack for writable filesystems)`},
		{Name: "type", Type: "string", Default: "by fs and table", Doc: `partition type: "esp", "linux", "fat32", "swap", "bios-boot", "linux-root-x86-64", "linux-root-arm64", "xbootldr", a GPT GUID or an MBR byte like "0x0c"; default "linux", or for FAT "msdata" (GPT) / "fat32" (MBR)`},
		{Name: "bootable", Type: "bool", Default: "False", Doc: "MBR active flag; GPT legacy BIOS bootable attribute"},
		{Name: "offset", Type: "size", Default: "None", Doc: "byte offset on the disk; None places it after the previous partition, aligned to 1 MiB"},
		{Name: "label", Type: "string", Default: "name", Doc: "filesystem label (ext4: up to 16 bytes; FAT: up to 11 characters)"},
	},
	Returns: "partition",
	Doc: "Filesystems are built inside BuildKit by cairn's helper (FAT) or by mke2fs and mksquashfs in a tools " +
		"root filesystem cairn builds from the Debian archive. UUIDs, FAT serials and ext4 hash seeds are derived " +
		"from the contents and the partition's name; every timestamp is SOURCE_DATE_EPOCH. A size too small for " +
		"the contents fails with the size needed.",
	Example: `boot = partition(name = "boot", fs = "fat32", size = "256M", contents = boot_files, type = "esp")`,
	fn:      partitionFn,
}

// Partition is the Starlark value partition() returns.
type Partition struct {
	at
	name, fs, typ, label string
	size, offset         int64
	bootable             bool
	contents             *Artifact
}

func partitionFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p := &Partition{at: at{callPos(t)}, fs: "ext4"}
	var contents starlark.Value = starlark.None
	var size, offset sizeArg
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &p.name, "fs?", &p.fs, "contents?", &contents,
		"size?", &size, "type?", &p.typ, "bootable?", &p.bootable, "offset?", &offset, "label?", &p.label); err != nil {
		return nil, err
	}
	p.size, p.offset = size.v, offset.v
	if contents != starlark.None {
		a := artifactArg{}
		if err := unpackIn("partition", "contents", &a, contents); err != nil {
			return nil, err
		}
		p.contents = a.v
	}
	if p.label == "" && p.fs != "raw" {
		p.label = p.name
	}
	return p, p.check()
}

func (p *Partition) check() error {
	switch {
	case p.name == "" || len(p.name) > 36:
		return errParam("partition", "name", quote(p.name), "a name of 1 to 36 characters")
	case !contains(fsTypes, p.fs):
		return errParam("partition", "fs", quote(p.fs), "one of "+strings.Join(quoteAll(fsTypes), ", "))
	case p.fs == "raw" && p.contents != nil && p.contents.File() == "":
		return errParam("partition", "contents", p.contents.String(), `for fs = "raw", an artifact holding one file (from http(), archive(), disk(), ...)`)
	case p.fs == "ext4" && len(p.label) > 16:
		return errParam("partition", "label", quote(p.label), "an ext4 label of at most 16 bytes")
	case strings.HasPrefix(p.fs, "fat") && len(p.label) > 11:
		return errParam("partition", "label", quote(p.label), "a FAT label of at most 11 characters")
	case p.offset%512 != 0:
		return errParam("partition", "offset", humanSize(p.offset), "a multiple of 512 bytes")
	case p.contents == nil && p.size == 0:
		return errParam("partition", "size", "None", `a size for a partition without contents, e.g. size = "1G"`)
	}
	return nil
}

// typeFor is the partition type to write for table.
func (p *Partition) typeFor(table string) string {
	switch {
	case p.typ != "":
		return p.typ
	case strings.HasPrefix(p.fs, "fat") && table == "mbr":
		return "fat32"
	case strings.HasPrefix(p.fs, "fat"):
		return "msdata"
	}
	return "linux"
}

// String implements starlark.Value.
func (p *Partition) String() string { return fmt.Sprintf("<partition %s %s>", p.name, p.fs) }

// Type implements starlark.Value.
func (p *Partition) Type() string { return "partition" }

// Freeze implements starlark.Value; partitions are immutable.
func (p *Partition) Freeze() {}

// Truth implements starlark.Value.
func (p *Partition) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value.
func (p *Partition) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: partition") }

// Attr implements starlark.HasAttrs.
func (p *Partition) Attr(name string) (starlark.Value, error) {
	switch name {
	case "name":
		return starlark.String(p.name), nil
	case "fs":
		return starlark.String(p.fs), nil
	case "label":
		return starlark.String(p.label), nil
	}
	return nil, nil
}

// AttrNames implements starlark.HasAttrs.
func (p *Partition) AttrNames() []string { return []string{"fs", "label", "name"} }
