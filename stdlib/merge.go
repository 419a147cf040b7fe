package stdlib

import (
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var mergeBuiltin = Builtin{
	Name:    "merge",
	Summary: "Layer artifacts on top of each other.",
	Params: []Param{
		{Name: "artifacts", Type: "list of artifact", Doc: "later entries win where paths collide"},
	},
	Returns: "artifact",
	Doc:     "A BuildKit merge: no copying, and changing one input re-does only what depends on it.",
	Example: `rootfs = merge([base, local("overlay")])`,
	fn:      mergeFn,
}

type mergeNode struct {
	at
	inputs []*Artifact
}

func mergeFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var list *starlark.List
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "artifacts", &list); err != nil {
		return nil, err
	}
	n := &mergeNode{at: at{callPos(t)}}
	for i := 0; i < list.Len(); i++ {
		a := artifactArg{}
		if err := unpackIn("merge", "artifacts", &a, list.Index(i)); err != nil {
			return nil, err
		}
		n.inputs = append(n.inputs, a.v)
	}
	return newArtifact(n, "merge(...)"), nil
}

func (n *mergeNode) compile(c *Compiler) (llb.State, error) {
	states := make([]llb.State, 0, len(n.inputs))
	for _, in := range n.inputs {
		st, err := c.State(in)
		if err != nil {
			return llb.State{}, err
		}
		states = append(states, st)
	}
	if len(states) == 0 {
		return llb.Scratch(), nil
	}
	return llb.Merge(states, llb.WithCustomName("merge"), c.loc(n.p)), nil
}
