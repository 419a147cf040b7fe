package stdlib

import (
	"regexp"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

// Named contexts let CI hand a recipe a directory that is not part of the
// project (a checkout of another repository, a build output from an earlier
// job) without copying it in. The recipe names the context; the caller says
// what it is, so the same recipe builds with `cairn build --context` and
// with BuildKit's `--opt context:NAME=...`. Evaluation does not need the
// context, only a build does: listing targets or locking packages works
// without it.

var contextBuiltin = Builtin{
	Name:    "context",
	Summary: "A named build context, supplied at build time (`cairn build --context NAME=DIR`).",
	Params: []Param{
		{Name: "name", Type: "string", Doc: `the context's name, as given to --context NAME=DIR (lower-case letters, digits, ".", "_", "-")`},
	},
	Returns: "artifact",
	Doc: "The context's files are the artifact's tree, at its root. `cairn build --context NAME=DIR` serves a " +
		"directory; BuildKit clients pass `--opt context:NAME=local:NAME --local NAME=DIR`, an " +
		"`oci-layout://` or a `docker-image://` source instead. Building a target that reads a context " +
		"the build was not given is an error; evaluating the recipe is not. As with local(), files are owned by 0:0 " +
		"and stamped with SOURCE_DATE_EPOCH.",
	Example: `target("docs", merge([context("site"), local("theme")]))`,
	fn:      contextFn,
}

var contextName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ValidContextName reports whether name is one context() accepts.
func ValidContextName(name string) bool { return contextName.MatchString(name) }

type contextNode struct {
	at
	name string
}

func contextFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name); err != nil {
		return nil, err
	}
	if !ValidContextName(name) {
		return nil, errParam("context", "name", quote(name), `a name like "site" (lower-case letters, digits, ".", "_", "-")`)
	}
	return newArtifact(&contextNode{at: at{callPos(t)}, name: name}, "context("+quote(name)+")"), nil
}

func (n *contextNode) compile(c *Compiler) (llb.State, error) {
	st, ok := c.opts.Contexts[n.name]
	switch {
	case ok:
	case c.opts.AnyContext:
		st = ContextLocal(n.name)
	default:
		return llb.State{}, errAt(n.p, "context", errNoContext(n.name))
	}
	// As local(): owned by 0:0 and stamped with SOURCE_DATE_EPOCH, so who
	// provides the context, and when, does not change the bytes.
	cp := llb.Copy(st, "/", "/", &llb.CopyInfo{CopyDirContentsOnly: true, ChownOpt: rootOwner()}, c.created())
	return llb.Scratch().File(cp, llb.WithCustomName("context "+n.name), c.loc(n.p)), nil
}

// ContextLocal is the session local `cairn build --context NAME=DIR`
// serves NAME from, as a state. Its ID is fixed at Marshal (see
// localUniqueID), so the graph does not depend on the directory's path.
func ContextLocal(name string) llb.State {
	local := ContextLocalName(name)
	return llb.Local(local, llb.SharedKeyHint(local), llb.WithCustomName("context "+name))
}

// ContextLocalName names the session local serving context NAME.
func ContextLocalName(name string) string { return "context-" + name }
