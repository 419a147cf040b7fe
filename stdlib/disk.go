package stdlib

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

var diskBuiltin = Builtin{
	Name:    "disk",
	Summary: "A whole-disk image: partition table, filesystems and boot-loader blobs, as a raw .img.",
	Params: []Param{
		{Name: "partitions", Type: "list of partition", Doc: "the partitions, in table order (see `partition`)"},
		{Name: "name", Type: "string", Default: `"disk"`, Doc: "file name of the image without extension"},
		{Name: "table", Type: "string", Default: `"gpt"`, Doc: `"gpt" or "mbr" (at most 4 partitions)`},
		{Name: "size", Type: "size", Default: "None", Doc: `total size like "4G"; None ends the disk after the last partition`},
		{Name: "raw_writes", Type: "list of raw_write", Default: "[]", Doc: "blobs written at byte offsets, e.g. U-Boot (see `raw_write`)"},
		{Name: "compression", Type: "string", Default: `"none"`, Doc: `"none" (NAME.img), "zstd" (NAME.img.zst) or "xz" (NAME.img.xz)`},
		{Name: "bmap", Type: "bool", Default: "True", Doc: "also write NAME.bmap, the block map `bmaptool copy` uses to skip unused space"},
	},
	Returns: "artifact holding NAME.img (or .img.zst / .img.xz) and NAME.bmap",
	Doc: "Each filesystem is its own graph step, so changing one partition's contents rebuilds that filesystem and " +
		"the final assembly only. The disk GUID, partition GUIDs and MBR signature are derived from the layout and " +
		"the partitions' bytes. The image is written sparse: a 4G disk holding 300M of data takes 300M.",
	Example: `sd = disk(name = "sdcard", table = "mbr", partitions = [boot, root])`,
	fn:      diskFn,
}

var compressions = []string{"none", "zstd", "xz"}

type diskNode struct {
	at
	name, table, compression string
	size                     int64
	bmap                     bool
	parts                    []*Partition
	raws                     []*RawWrite
}

func diskFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	n := &diskNode{at: at{callPos(t)}, name: "disk", table: "gpt", compression: "none", bmap: true}
	var parts, raws *starlark.List
	var size sizeArg
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "partitions", &parts, "name?", &n.name, "table?", &n.table,
		"size?", &size, "raw_writes?", &raws, "compression?", &n.compression, "bmap?", &n.bmap); err != nil {
		return nil, err
	}
	n.size = size.v
	if err := n.setLists(parts, raws); err != nil {
		return nil, err
	}
	if err := n.check(); err != nil {
		return nil, err
	}
	return newArtifact(n, fmt.Sprintf("disk(%q)", n.name)), nil
}

func (n *diskNode) setLists(parts, raws *starlark.List) error {
	for i := 0; parts != nil && i < parts.Len(); i++ {
		p, ok := parts.Index(i).(*Partition)
		if !ok {
			return errParam("disk", "partitions", "a list holding "+parts.Index(i).Type(), "a list of partition(...)")
		}
		n.parts = append(n.parts, p)
	}
	for i := 0; raws != nil && i < raws.Len(); i++ {
		r, ok := raws.Index(i).(*RawWrite)
		if !ok {
			return errParam("disk", "raw_writes", "a list holding "+raws.Index(i).Type(), "a list of raw_write(...)")
		}
		n.raws = append(n.raws, r)
	}
	return nil
}

func (n *diskNode) check() error {
	switch {
	case n.name == "" || strings.ContainsAny(n.name, "/ "):
		return errParam("disk", "name", quote(n.name), `a file name without "/" or spaces`)
	case n.table != "gpt" && n.table != "mbr":
		return errParam("disk", "table", quote(n.table), `"gpt" or "mbr"`)
	case !contains(compressions, n.compression):
		return errParam("disk", "compression", quote(n.compression), strings.Join(quoteAll(compressions), ", "))
	case len(n.parts) == 0:
		return errParam("disk", "partitions", "[]", "at least one partition(...)")
	case n.table == "mbr" && len(n.parts) > 4:
		return errParam("disk", "partitions", fmt.Sprintf("%d partitions", len(n.parts)), `at most 4 with table = "mbr" (use table = "gpt")`)
	}
	seen := map[string]bool{}
	for _, p := range n.parts {
		if seen[p.name] {
			return errAt(p.p, "disk", errDuplicatePartition(p.name))
		}
		seen[p.name] = true
	}
	return nil
}

func (n *diskNode) compile(c *Compiler) (llb.State, error) {
	spec := request.Disk{Name: n.name, Table: n.table, Size: n.size, Align: 1 << 20, Compression: n.compression,
		Bmap: n.bmap, Partitions: []request.Partition{}, RawWrites: []request.RawWrite{}, Out: "/out"}
	var mounts []llb.RunOption
	for i, p := range n.parts {
		st, file, err := n.partitionImage(c, p)
		if err != nil {
			return llb.State{}, err
		}
		sp := request.Partition{Name: p.name, Type: p.typeFor(n.table), Size: p.size, Offset: p.offset, Bootable: p.bootable}
		if file != "" {
			dir := fmt.Sprintf("/in/p%d", i)
			mounts = append(mounts, llb.AddMount(dir, st, llb.Readonly, imageInput(file)))
			sp.Image = dir + "/" + file
		}
		spec.Partitions = append(spec.Partitions, sp)
	}
	for i, r := range n.raws {
		st, err := c.State(r.contents)
		if err != nil {
			return llb.State{}, err
		}
		dir := fmt.Sprintf("/in/r%d", i)
		mounts = append(mounts, llb.AddMount(dir, st, llb.Readonly))
		spec.RawWrites = append(spec.RawWrites, request.RawWrite{Offset: r.offset, File: dir + "/" + r.contents.File()})
	}
	return n.assemble(c, spec, mounts)
}

// imageInput keeps BuildKit from hashing the content of a partition image
// a file system step made: by default an exec step's read-only inputs
// are keyed by their content, which means reading a 4 GiB image, holes as
// zeros, before the step may start (2 s for this 1.3 GB disk), to save
// the assembly only when a changed step made the same image again. The
// image's step key stands for it instead. A raw partition's file (made by
// the recipe, not by cairn) keeps the default.
func imageInput(file string) llb.MountOption {
	if file == fsImageFile {
		return llb.ContentCache(llb.MountContentCacheOff)
	}
	return llb.ContentCache(llb.MountContentCacheDefault)
}

// partitionImage is the state and file name of a partition's bytes; ""
// for an empty partition.
func (n *diskNode) partitionImage(c *Compiler, p *Partition) (llb.State, string, error) {
	if p.contents == nil && p.fs == "raw" {
		return llb.State{}, "", nil
	}
	contents := llb.Scratch()
	if p.contents != nil {
		st, err := c.State(p.contents)
		if err != nil {
			return llb.State{}, "", err
		}
		if p.fs == "raw" {
			return st, p.contents.File(), nil
		}
		contents = st
	}
	st, err := c.fsImage(p.p, fsSpec{fs: p.fs, label: p.label, salt: n.name + "/" + p.name, size: p.size, offset: p.offset}, contents)
	return st, fsImageFile, err
}

func (n *diskNode) assemble(c *Compiler, spec request.Disk, mounts []llb.RunOption) (llb.State, error) {
	root, err := c.helperState("disk")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	c.shared.images = true
	args, err := request.Args(helperPath, spec)
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	opts := append(mounts,
		llb.Args(args),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("disk %s (%s, %d partitions)", n.name, n.table, len(spec.Partitions))),
		c.loc(n.p))
	return root.Run(opts...).AddMount("/out", llb.Scratch()), nil
}
