package stdlib

import (
	"fmt"
	"slices"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/syntax"
)

// fsTypes are the filesystems partition() and iso() can build from a tree:
// the helper's, and "raw", which takes a file as it is.
var fsTypes = append(slices.Clone(request.FilesystemTypes), "raw")

// fsSpec says how to make one filesystem image.
type fsSpec struct {
	fs, label, salt string
	size, offset    int64
}

// fsImageFile is the image's path inside the state fsImage returns.
const fsImageFile = "fs.img"

// fsImage runs the helper's mkfs on contents. FAT is written by the helper
// itself; ext4 and squashfs by mke2fs and mksquashfs in the tools root, the
// helper fixing their UUIDs, hash seeds and times from the contents and the
// epoch. The result holds fsImageFile.
func (c *Compiler) fsImage(p syntax.Position, spec fsSpec, contents llb.State) (llb.State, error) {
	root, helper, opts, err := c.mkfsRoot(p, spec.fs)
	if err != nil {
		return llb.State{}, err
	}
	c.shared.images = true
	args, err := request.Args(helper, request.Mkfs{Src: "/src", Out: "/out/" + fsImageFile, Epoch: c.epoch,
		Type: spec.fs, Label: spec.label, Size: spec.size, Offset: spec.offset, IDSalt: spec.salt})
	if err != nil {
		return llb.State{}, errAt(p, "", err)
	}
	opts = append(opts,
		llb.Args(args),
		llb.AddMount("/src", contents, llb.Readonly),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("mkfs %s %s", spec.fs, spec.salt)),
		c.loc(p))
	return root.Run(opts...).AddMount("/out", llb.Scratch()), nil
}

// mkfsRoot is where mkfs runs for a filesystem type: the helper's own root
// for FAT, else the tools root with the helper mounted beside the tools.
func (c *Compiler) mkfsRoot(p syntax.Position, fs string) (llb.State, string, []llb.RunOption, error) {
	helper, err := c.helperState("mkfs")
	if err != nil {
		return llb.State{}, "", nil, errAt(p, "", err)
	}
	if fs == "fat" || fs == "fat32" {
		return helper, helperPath, nil, nil
	}
	tools, err := c.toolsRoot(p)
	if err != nil {
		return llb.State{}, "", nil, err
	}
	opts := []llb.RunOption{
		llb.AddMount("/cairn", helper, llb.Readonly),
		llb.AddEnv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
	}
	return tools, "/cairn" + helperPath, opts, nil
}
