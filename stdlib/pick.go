package stdlib

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var pickBuiltin = Builtin{
	Name:    "pick",
	Summary: "One file (or one directory's contents) taken out of an artifact, by path or glob.",
	Params: []Param{
		{Name: "artifact", Type: "artifact", Doc: "the tree to take from"},
		{Name: "path", Type: "string", Doc: `absolute path inside it; globs allowed where a version is not known in advance, e.g. "/boot/vmlinuz-*"`},
		{Name: "name", Type: "string", Default: "base name of path", Doc: "file name in the result"},
		{Name: "dir", Type: "bool", Default: "False", Doc: "path is a directory: the result is a tree of its contents instead of one file"},
	},
	Returns: "artifact holding one file (or, with dir = True, a tree)",
	Doc: "The copy is keyed by the content of the picked path, not the whole artifact: a change elsewhere in it " +
		"leaves everything built from the pick cached. A glob must match exactly one path; symlinks are followed.",
	Example: `vmlinuz = pick(kernel, "/boot/vmlinuz-*", name = "vmlinuz")`,
	fn:      pickFn,
}

type pickNode struct {
	at
	src        *Artifact
	path, name string
	dir        bool
}

func pickFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src := artifactArg{}
	n := &pickNode{at: at{callPos(t)}}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "artifact", &src, "path", &n.path, "name?", &n.name, "dir?", &n.dir); err != nil {
		return nil, err
	}
	n.src = src.v
	if !path.IsAbs(n.path) || strings.Contains(n.path, "..") {
		return nil, errParam("pick", "path", quote(n.path), `an absolute path like "/boot/vmlinuz-*"`)
	}
	if n.name == "" && !n.dir {
		n.name = path.Base(n.path)
	}
	if strings.Contains(n.name, "/") || strings.ContainsAny(n.name, "*?[") {
		return nil, errParam("pick", "name", quote(n.name), `a file name without "/" or glob characters (pass name = when path is a glob)`)
	}
	if n.dir {
		return newArtifact(n, "pick("+quote(n.path)+")"), nil
	}
	return newFileArtifact(n, "pick("+quote(n.path)+")", n.name), nil
}

func (n *pickNode) compile(c *Compiler) (llb.State, error) {
	src, err := c.State(n.src)
	if err != nil {
		return llb.State{}, err
	}
	info := &llb.CopyInfo{AllowWildcard: true, FollowSymlinks: true, ChownOpt: rootOwner()}
	dest := "/" + n.name
	if n.dir {
		info.CopyDirContentsOnly, dest = true, "/"
	}
	return llb.Scratch().File(llb.Copy(src, n.path, dest, info, c.created()),
		llb.WithCustomName(fmt.Sprintf("pick %s", n.path)), c.loc(n.p)), nil
}
