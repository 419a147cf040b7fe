package stdlib

import (
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/syntax"
)

// packMinHoles is the least a file's holes must add up to for packSparse
// to pack it: below it, the copy costs about what it saves.
const packMinHoles = 16 << 20

// packSparse adds, after st, the step that packs st's large sparse files
// in place (CompileOptions.PackSparse). It writes only their data, on top
// of st, so the targets' own steps and their cache stay as they are, and
// a tree with no such file passes through unchanged.
// A failure (an output file already named *.cairn-sparse) points at the
// target's artifact in the recipe.
func (c *Compiler) packSparse(st llb.State, p syntax.Position) (llb.State, error) {
	root, err := c.helperState("pack")
	if err != nil {
		return llb.State{}, err
	}
	args, err := request.Args(helperPath, request.Pack{Dir: "/out", MinHoles: packMinHoles})
	if err != nil {
		return llb.State{}, fmt.Errorf("pack: %w", err)
	}
	es := root.Run(
		llb.Args(args),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(c.helper.Platform),
		llb.WithCustomName("pack sparse files for export"),
		c.loc(p))
	// Not keyed by content: hashing the tree would read every byte the
	// step exists to skip.
	return es.AddMount("/out", st, llb.ContentCache(llb.MountContentCacheOff)), nil
}
