package stdlib

import (
	"io/fs"
	"path"
	"sort"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var localBuiltin = Builtin{
	Name:    "local",
	Summary: "Files from the project directory.",
	Params: []Param{
		{Name: "path", Type: "string", Doc: "file or directory, relative to the project directory (the directory of the main recipe); it must exist"},
		{Name: "include", Type: "list of string", Default: "[]", Doc: "glob patterns (relative to `path`) to keep; empty keeps everything"},
		{Name: "exclude", Type: "list of string", Default: "[]", Doc: "glob patterns (relative to `path`) to drop"},
	},
	Returns: "artifact",
	Doc: "A directory yields its contents at the artifact's root; a file yields that one file at the root, " +
		"under its own name. Files are owned by 0:0 and stamped with SOURCE_DATE_EPOCH, so who checked " +
		"the project out, and when, does not change the output.",
	Example: `src = local("src", exclude = ["**/*.o"])`,
	fn:      localFn,
}

type localNode struct {
	at
	path             string
	include, exclude []string
}

func localFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p := relPath{}
	inc := stringList{}
	exc := stringList{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &p, "include?", &inc, "exclude?", &exc); err != nil {
		return nil, err
	}
	st, err := stateOf(t)
	if err != nil {
		return nil, err
	}
	info, err := fs.Stat(st.project, p.v)
	if err != nil {
		return nil, errProjectPath(st.project, "local", p.v, err)
	}
	n := &localNode{at: at{callPos(t)}, path: p.v, include: inc.v, exclude: exc.v}
	if info.Mode().IsRegular() {
		return newFileArtifact(n, "local("+quote(p.v)+")", path.Base(p.v)), nil
	}
	return newArtifact(n, "local("+quote(p.v)+")"), nil
}

func (n *localNode) compile(c *Compiler) (llb.State, error) {
	src := llb.Local(c.localName,
		llb.IncludePatterns(n.patterns(n.include, []string{"."})),
		llb.ExcludePatterns(n.patterns(n.exclude, nil)),
		llb.SharedKeyHint(c.localName),
		llb.WithCustomName("local "+n.path),
		c.loc(n.p))
	cp := llb.Copy(src, "/"+n.path, "/", &llb.CopyInfo{
		CopyDirContentsOnly: true,
		AllowWildcard:       false,
		ChownOpt:            rootOwner(),
	}, c.created())
	return llb.Scratch().File(cp, llb.WithCustomName("local "+n.path), c.loc(n.p)), nil
}

// patterns prefixes the recipe's patterns (relative to n.path) with n.path.
func (n *localNode) patterns(ps, dflt []string) []string {
	if len(ps) == 0 {
		ps = dflt
	}
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, path.Join(n.path, p))
	}
	sort.Strings(out)
	return out
}
