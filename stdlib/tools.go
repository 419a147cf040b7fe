package stdlib

import (
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/syntax"
)

// Standard image tools (mke2fs, mksquashfs) are not rewritten in Go where
// they are the reference implementation; they run inside the graph, in a
// root filesystem cairn builds from the Debian archive for the engine's own
// architecture, pinned in cairn.lock like any other. cairn's helper drives
// them with fixed UUIDs, seeds and times.

// toolsSuite is the Debian release the tools root comes from.
const toolsSuite = "bookworm"

// toolsPackages are installed on top of the Essential set.
var toolsPackages = []string{"e2fsprogs", "squashfs-tools"}

// toolsRoot is the tools root filesystem, built once per build; p is the
// recipe position of the first call that needs it (for messages and the
// lockfile's target list).
func (c *Compiler) toolsRoot(p syntax.Position) (llb.State, error) {
	if c.shared.tools == nil {
		c.shared.tools = &rootfsNode{at: at{p}, call: "rootfs", variant: "essential", mergedUsr: true, packages: toolsPackages,
			repos: []pkgs.RepoSpec{{Type: "deb", Name: "debian", Suite: toolsSuite, Components: []string{"main"}}}}
	}
	return c.native().State(newArtifact(c.shared.tools, "tools"))
}

// native is the compiler for the engine's own platform, where image tools
// run without emulation.
func (c *Compiler) native() *Compiler { return c.forPlatform(c.helper.Platform) }
