package stdlib

import (
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Helper is cairn's in-graph helper binary (cmd/cairn-helper) for one
// platform. Exec steps that do pure-Go work (archives, later filesystems)
// mount it and run it.
//
// It reaches the graph one of two ways. With Local set, from a session local
// of that name holding the file HelperFile(Platform): the LLB stays small
// however many targets use it, and the op carries the binary's digest. Without
// it, inlined into the LLB as a file (for callers with no session directory).
// Either way the helper's cache keys change exactly when its bytes do.
type Helper struct {
	Platform ocispecs.Platform
	Binary   []byte
	// Digest of Binary; computed when empty (pass it to avoid rehashing).
	Digest digest.Digest
	// Local names the session local that serves the binary, if any.
	Local string
}

// HelperFile is the file name of the helper for a platform inside the
// helper's session local.
func HelperFile(p ocispecs.Platform) string {
	return "cairn-helper-" + p.OS + "-" + p.Architecture
}

// helperPath is where the helper sits in the root of helper exec steps.
const helperPath = "/cairn-helper"

// helperState is a root filesystem holding just the helper, built once per
// compiler.
func (c *Compiler) helperState(fn string) (llb.State, error) {
	h := c.helper
	if len(h.Binary) == 0 {
		return llb.State{}, errNoHelper(fn, platforms.Format(h.Platform))
	}
	if c.helperRoot != nil {
		return *c.helperRoot, nil
	}
	if h.Digest == "" {
		h.Digest = digest.FromBytes(h.Binary)
		c.helper.Digest = h.Digest
	}
	name := llb.WithCustomName("cairn-helper " + h.Digest.Encoded()[:12])
	var fa *llb.FileAction
	if h.Local != "" {
		src := llb.Local(h.Local, llb.FollowPaths([]string{HelperFile(h.Platform)}),
			llb.SharedKeyHint(h.Local+"@"+h.Digest.String()), name)
		fa = llb.Copy(src, "/"+HelperFile(h.Platform), helperPath, &llb.CopyInfo{ChownOpt: rootOwner()}, c.created())
	} else {
		fa = llb.Mkfile(helperPath, 0o755, h.Binary, c.created(), rootOwner())
	}
	st := llb.Scratch().File(fa, name, llb.Platform(h.Platform))
	c.helperRoot = &st
	return st, nil
}
