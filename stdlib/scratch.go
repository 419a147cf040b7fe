package stdlib

import (
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var scratchBuiltin = Builtin{
	Name:    "scratch",
	Summary: "An empty tree.",
	Returns: "artifact",
	Doc:     "The starting point for trees built from nothing, e.g. a run() whose rootfs is assembled by files().",
	Example: `empty = scratch()`,
	fn:      scratchFn,
}

type scratchNode struct{ at }

func scratchFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
		return nil, err
	}
	return newArtifact(&scratchNode{at{callPos(t)}}, "scratch()"), nil
}

func (n *scratchNode) compile(c *Compiler) (llb.State, error) { return llb.Scratch(), nil }
