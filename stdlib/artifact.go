package stdlib

import (
	"fmt"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// node is one step of the build graph as evaluated from a recipe. compile
// lowers it to LLB; the Compiler memoizes the result so shared nodes become
// shared ops.
type node interface {
	compile(c *Compiler) (llb.State, error)
	pos() syntax.Position
}

// Artifact is the Starlark value of a filesystem tree that the build graph
// produces: the result of local(), http(), run(), files(), merge() and the
// like. It is immutable.
type Artifact struct {
	node node
	// file, when set, says the tree holds exactly one regular file at this
	// path; files() copies such an artifact as a file rather than a tree.
	file string
	what string
	// vm, when set, says how `cairn vm` boots it (vm_profile()).
	vm *VMProfile
}

var _ starlark.Value = (*Artifact)(nil)

func newArtifact(n node, what string) *Artifact { return &Artifact{node: n, what: what} }

func newFileArtifact(n node, what, file string) *Artifact {
	return &Artifact{node: n, what: what, file: file}
}

// String implements starlark.Value.
func (a *Artifact) String() string { return fmt.Sprintf("<artifact %s>", a.what) }

// Type implements starlark.Value.
func (a *Artifact) Type() string { return "artifact" }

// Freeze implements starlark.Value; artifacts are immutable already.
func (a *Artifact) Freeze() {}

// Truth implements starlark.Value.
func (a *Artifact) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value: artifacts are not dict keys.
func (a *Artifact) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: artifact") }

// File reports the single file the artifact holds, if it is known to hold one.
func (a *Artifact) File() string { return a.file }

// at is embedded by every node to carry its recipe position.
type at struct{ p syntax.Position }

func (a at) pos() syntax.Position { return a.p }
