package stdlib

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var fsImageBuiltin = Builtin{
	Name:    "fs_image",
	Summary: "A filesystem image file (FAT, ext4, squashfs) of a tree, outside any disk: a live system's squashfs, an ESP image.",
	Params: []Param{
		{Name: "contents", Type: "artifact", Doc: "the tree to put in the filesystem"},
		{Name: "fs", Type: "string", Default: `"squashfs"`, Doc: `"fat", "fat32", "ext4" or "squashfs"`},
		{Name: "name", Type: "string", Default: `"fs.img"`, Doc: "file name of the image"},
		{Name: "label", Type: "string", Default: `""`, Doc: "filesystem label"},
		{Name: "size", Type: "size", Default: "None", Doc: "size; None fits the contents"},
	},
	Returns: "artifact holding one file",
	Doc:     "Made the same way as partition() filesystems: content-derived IDs, SOURCE_DATE_EPOCH times.",
	Example: `squash = fs_image(base, fs = "squashfs", name = "root.squashfs")`,
	fn:      fsImageFn,
}

type fsImageNode struct {
	at
	contents *Artifact
	spec     fsSpec
	name     string
}

func fsImageFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	contents := artifactArg{}
	n := &fsImageNode{at: at{callPos(t)}, spec: fsSpec{fs: "squashfs"}, name: "fs.img"}
	var size sizeArg
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "contents", &contents, "fs?", &n.spec.fs, "name?", &n.name,
		"label?", &n.spec.label, "size?", &size); err != nil {
		return nil, err
	}
	n.contents, n.spec.size, n.spec.salt = contents.v, size.v, "fs_image/"+n.name
	if !contains(fsTypes, n.spec.fs) || n.spec.fs == "raw" {
		return nil, errParam("fs_image", "fs", quote(n.spec.fs), `"fat", "fat32", "ext4" or "squashfs"`)
	}
	if n.name == "" || strings.Contains(n.name, "/") {
		return nil, errParam("fs_image", "name", quote(n.name), `a file name without "/"`)
	}
	return newFileArtifact(n, fmt.Sprintf("fs_image(%q)", n.name), n.name), nil
}

func (n *fsImageNode) compile(c *Compiler) (llb.State, error) {
	src, err := c.State(n.contents)
	if err != nil {
		return llb.State{}, err
	}
	st, err := c.fsImage(n.p, n.spec, src)
	if err != nil || n.name == fsImageFile {
		return st, err
	}
	return llb.Scratch().File(llb.Copy(st, "/"+fsImageFile, "/"+n.name, c.created()), llb.WithCustomName("name "+n.name)), nil
}
