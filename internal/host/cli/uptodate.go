package cli

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"os"

	"github.com/cairn-build/cairn/frontends"
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// A target is decided by its LLB and, when it reads project files, by
// those files' stat data (localstat.go). When both, the epoch and the
// platforms are what the last build recorded, and the output on disk still
// has the recorded digest (checked by stat data too, treehash.go),
// rebuilding would only copy the same bytes again, so cairn skips the
// solve: a no-op rebuild of a large image costs stat calls, not an export.

// graphKey returns the digest of a target's definitions and local inputs,
// or "" when those cannot be read or the engine's platform is unknown. A recipe
// error found while compiling (a package request the lock does not cover,
// say) is returned as is, before anything reaches the engine.
func (b *buildPlan) graphKey(ctx context.Context, c *client.Client, req frontends.Request) (string, error) {
	native, ok := enginePlatform(ctx, c)
	if !ok {
		return "", nil
	}
	plats := req.Platforms
	if len(plats) == 0 {
		plats = []ocispecs.Platform{native}
	}
	h := sha256.New()
	fmt.Fprintf(h, "cairn graph v1\nepoch %d\n", req.Epoch)
	// The provenance names the recipe and lock files by digest.
	fmt.Fprintf(h, "recipe %s\nlock %s\n", b.inputs.recipeSum, b.inputs.lockSum)
	for _, p := range plats {
		def, err := frontends.Definition(ctx, req, p, native)
		if err != nil {
			return "", err
		}
		if err := checkSecrets(def, req.Secrets); err != nil {
			return "", err
		}
		locals := b.localsKey(ctx, def.Def)
		if locals == "" {
			return "", nil
		}
		fmt.Fprintf(h, "platform %s\n", platforms.Format(p))
		if locals != "none" {
			fmt.Fprintf(h, "locals %s\n", locals)
		}
		for _, op := range def.Def {
			fmt.Fprintf(h, "%x\n", sha256.Sum256(op))
		}
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil)), nil
}

// enginePlatform is the engine's native platform, as frontends.Build sees it.
func enginePlatform(ctx context.Context, c *client.Client) (ocispecs.Platform, bool) {
	ws, err := c.ListWorkers(ctx)
	if err != nil || len(ws) == 0 || len(ws[0].Platforms) == 0 {
		return ocispecs.Platform{}, false
	}
	return platforms.Normalize(ws[0].Platforms[0]), true
}

// upToDate reports whether the target's output already holds what key
// describes, and returns its record.
func (b *buildPlan) upToDate(name, key string) (*targetResult, bool) {
	if key == "" {
		return nil, false
	}
	data, err := os.ReadFile(b.outDir(name) + ".cairn.json")
	if err != nil {
		return nil, false
	}
	var rec targetResult
	if json.Unmarshal(data, &rec) != nil || rec.Graph != key || !haveDocuments(b.flags.out, name, b.project.recipe.Target(name).Signed()) {
		return nil, false
	}
	rec.Files = readIndex(indexPath(b.flags.out, name))
	known := rec.Files.matches
	if b.flags.verify {
		known = nil
	}
	d, index, err := treeDigest(b.outDir(name), known)
	if err != nil || d != rec.Digest {
		return nil, false
	}
	if !maps.Equal(index, rec.Files) {
		// Same bytes, other stat data (a copy, a touch): remember it, so
		// the next no-op reads nothing again. Best effort.
		rec.Files = index
		writeIndex(indexPath(b.flags.out, name), index)
	}
	rec.Dir = b.outDir(name)
	return &rec, true
}
