package stdlib

import (
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Helper is cairn's in-graph helper binary (cmd/cairn-helper) for one
// platform. Exec steps that do pure-Go work (archives, later filesystems)
// mount it and run it. It is inlined into the LLB, so the op digest - and
// every cache key downstream - changes exactly when the binary does.
type Helper struct {
	Platform ocispecs.Platform
	Binary   []byte
}

// helperPath is where the helper sits in the root of helper exec steps.
const helperPath = "/cairn-helper"

// state is a root filesystem holding just the helper.
func (h Helper) state(c *Compiler, fn string) (llb.State, error) {
	if len(h.Binary) == 0 {
		return llb.State{}, errNoHelper(fn, platforms.Format(h.Platform))
	}
	name := "cairn-helper " + digest.FromBytes(h.Binary).Encoded()[:12]
	mk := llb.Mkfile(helperPath, 0o755, h.Binary, c.created(), rootOwner())
	return llb.Scratch().File(mk, llb.WithCustomName(name), llb.Platform(h.Platform)), nil
}
