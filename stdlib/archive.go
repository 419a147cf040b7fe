package stdlib

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

var archiveBuiltin = Builtin{
	Name:    "archive",
	Summary: "Pack an artifact into one deterministic tar or cpio file.",
	Params: []Param{
		{Name: "artifact", Type: "artifact", Doc: "the tree to pack"},
		{Name: "format", Type: "string", Default: `"tar"`, Doc: `"tar" (PAX) or "cpio" (newc, the initramfs format)`},
		{Name: "name", Type: "string", Default: `"archive.tar" or "archive.cpio"`, Doc: "file name of the archive inside the resulting artifact"},
		{Name: "owners", Type: "string", Default: `"root"`, Doc: `"root" records every entry as 0:0; "keep" keeps each file's uid and gid (root filesystems from rootfs(), whose packages own files as other users)`},
	},
	Returns: "artifact holding one file",
	Doc: "Runs cairn's helper binary inside BuildKit. Entries are sorted, owned by 0:0 and stamped with " +
		"SOURCE_DATE_EPOCH; inode numbers are assigned in order, so the same tree always gives the same bytes.",
	Example: `initrd = archive(rootfs, format = "cpio", name = "initrd.cpio")`,
	fn:      archiveFn,
}

type archiveNode struct {
	at
	src                  *Artifact
	format, name, owners string
}

func archiveFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src := artifactArg{}
	format := "tar"
	name := relPath{}
	owners := "root"
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "artifact", &src, "format?", &format, "name?", &name, "owners?", &owners); err != nil {
		return nil, err
	}
	if owners != "root" && owners != "keep" {
		return nil, errParam("archive", "owners", quote(owners), `"root" or "keep"`)
	}
	if format != "tar" && format != "cpio" {
		return nil, errParam("archive", "format", quote(format), `"tar" or "cpio"`)
	}
	if name.v == "" {
		name.v = "archive." + format
	}
	if strings.Contains(name.v, "/") {
		return nil, errParam("archive", "name", quote(name.v), `a file name without "/" (place it with files() if it belongs in a directory)`)
	}
	n := &archiveNode{at: at{callPos(t)}, src: src.v, format: format, name: name.v, owners: owners}
	return newFileArtifact(n, fmt.Sprintf("archive(%s)", quote(name.v)), name.v), nil
}

func (n *archiveNode) compile(c *Compiler) (llb.State, error) {
	root, err := c.helperState("archive")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	src, err := c.State(n.src)
	if err != nil {
		return llb.State{}, err
	}
	var req request.Request = request.Tar{Src: "/src", Out: "/out/" + n.name, Epoch: c.epoch, KeepOwners: n.owners == "keep"}
	if n.format == "cpio" {
		req = request.Cpio{Src: "/src", Out: "/out/" + n.name, Epoch: c.epoch, KeepOwners: n.owners == "keep"}
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	es := root.Run(
		llb.Args(args),
		llb.AddMount("/src", src, llb.Readonly),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("archive %s (%s)", n.name, n.format)),
		c.loc(n.p))
	return es.AddMount("/out", llb.Scratch()), nil
}
