package stdlib

import (
	"os"
	"path"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var filesBuiltin = Builtin{
	Name:    "files",
	Summary: "A tree assembled from text and other artifacts.",
	Params: []Param{
		{Name: "entries", Type: "dict of string to (string | bytes | artifact)", Doc: "destination path (`etc/motd`, or `/etc/motd`: a leading / is the tree's root) to content: text becomes a file; an artifact holding one file is copied to that path; any other artifact's contents are copied under that directory"},
		{Name: "mode", Type: "int", Default: "0o644", Doc: "permission of files created from text (copied files keep theirs)"},
	},
	Returns: "artifact",
	Doc:     "Entries are written in sorted order of destination; parent directories are created (0o755). Everything is owned by 0:0 and stamped with SOURCE_DATE_EPOCH.",
	Example: `rootfs = files({"etc/hostname": "cairn\n", "bin/hello": local("hello")}, mode = 0o644)`,
	fn:      filesFn,
}

type fileEntry struct {
	dest string
	text []byte    // when src is nil
	src  *Artifact // copied
}

type filesNode struct {
	at
	entries []fileEntry
	mode    int
}

func filesFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var d *starlark.Dict
	mode := fileMode{v: 0o644}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "entries", &d, "mode?", &mode); err != nil {
		return nil, err
	}
	keys, vals, err := sortedItems("files", "entries", d)
	if err != nil {
		return nil, err
	}
	n := &filesNode{at: at{callPos(t)}, mode: mode.v}
	seen := map[string]string{}
	for i, k := range keys {
		e, err := fileEntryOf(k, vals[i])
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[e.dest]; ok {
			return nil, errParam("files", "entries", "keys "+quote(prev)+" and "+quote(k), "one entry per path")
		}
		seen[e.dest] = k
		n.entries = append(n.entries, e)
	}
	return newArtifact(n, "files(...)"), nil
}

func fileEntryOf(k string, v starlark.Value) (fileEntry, error) {
	// "/etc/motd" is "etc/motd": the tree's root is the system's.
	rel := k
	if path.IsAbs(k) {
		rel = strings.TrimLeft(k, "/")
		if rel == "" {
			return fileEntry{}, errParam("files", "entries", "key "+quote(k), `a file's path like "/etc/motd" or "etc/motd", not the root`)
		}
	}
	dest, err := cleanRel(rel)
	if err != nil {
		return fileEntry{}, errParam("files", "entries", "key "+quote(k), err.Error())
	}
	switch v := v.(type) {
	case starlark.String:
		return fileEntry{dest: dest, text: []byte(v)}, nil
	case starlark.Bytes:
		return fileEntry{dest: dest, text: []byte(v)}, nil
	case *Artifact:
		return fileEntry{dest: dest, src: v}, nil
	}
	return fileEntry{}, errParam("files", "entries", "value of type "+v.Type()+" for "+quote(k), "a string, bytes or an artifact")
}

func (n *filesNode) compile(c *Compiler) (llb.State, error) {
	var fa actions
	for _, e := range n.entries {
		if dir := path.Dir(e.dest); dir != "." {
			fa.mkdir("/"+dir, 0o755, llb.WithParents(true), c.created(), rootOwner())
		}
		if err := n.add(c, &fa, e); err != nil {
			return llb.State{}, err
		}
	}
	if fa.fa == nil {
		return llb.Scratch(), nil
	}
	return llb.Scratch().File(fa.fa, llb.WithCustomName("files"), c.loc(n.p)), nil
}

func (n *filesNode) add(c *Compiler, fa *actions, e fileEntry) error {
	if e.src == nil {
		fa.mkfile("/"+e.dest, os.FileMode(n.mode), e.text, c.created(), rootOwner())
		return nil
	}
	st, err := c.State(e.src)
	if err != nil {
		return err
	}
	if f := e.src.File(); f != "" {
		fa.copy(st, "/"+f, "/"+e.dest, &llb.CopyInfo{CreateDestPath: true, ChownOpt: rootOwner()}, c.created())
		return nil
	}
	fa.copy(st, "/", "/"+e.dest, &llb.CopyInfo{CopyDirContentsOnly: true, CreateDestPath: true, ChownOpt: rootOwner()}, c.created())
	return nil
}

// actions chains file actions into one FileOp.
type actions struct{ fa *llb.FileAction }

func (a *actions) mkdir(p string, m os.FileMode, opts ...llb.MkdirOption) {
	if a.fa == nil {
		a.fa = llb.Mkdir(p, m, opts...)
		return
	}
	a.fa = a.fa.Mkdir(p, m, opts...)
}

func (a *actions) mkfile(p string, m os.FileMode, data []byte, opts ...llb.MkfileOption) {
	if a.fa == nil {
		a.fa = llb.Mkfile(p, m, data, opts...)
		return
	}
	a.fa = a.fa.Mkfile(p, m, data, opts...)
}

func (a *actions) copy(src llb.State, from, to string, opts ...llb.CopyOption) {
	if a.fa == nil {
		a.fa = llb.Copy(src, from, to, opts...)
		return
	}
	a.fa = a.fa.Copy(src, from, to, opts...)
}
