package frontends

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/cairn-build/cairn/internal/suggest"
	"github.com/moby/buildkit/client/llb"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// What a pick() (or any copy out of an artifact) names is known only once
// the artifact is built, so a path it lacks fails inside BuildKit, whose
// message says "not found" and no more. The failed solve still holds the
// artifact: explainMissing reads its tree through the gateway, at the
// deepest directory of the path that exists, and adds the nearest names
// there to the error, as a lookup on disk would.

// explainMissing returns err, with the nearest existing paths added when
// it is a copy's source missing from its input.
func explainMissing(ctx context.Context, c gateway.Client, def *llb.Definition, err error) error {
	var ve *errdefs.VertexError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "not found") {
		return err
	}
	op, ok := findOp(def, digest.Digest(ve.Digest))
	if !ok {
		return err
	}
	fo := op.GetFile()
	if fo == nil || len(fo.Actions) != 1 {
		return err
	}
	a := fo.Actions[0]
	cp := a.GetCopy()
	if cp == nil || a.SecondaryInput < 0 || int(a.SecondaryInput) >= len(op.Inputs) {
		return err
	}
	ref, rerr := solveInput(ctx, c, def, op.Inputs[a.SecondaryInput])
	if rerr != nil {
		return err
	}
	dir, want, names := nearestDir(ctx, ref, cp.Src)
	if len(names) == 0 {
		return err
	}
	// A new error, not one wrapping err: err holds the engine's gRPC
	// status, which would travel back in place of the added line. The
	// recipe position and the vertex go along, as err carried them.
	var out error = &missingError{err: err, src: cp.Src, dir: dir, near: suggest.Ranked(want, names, 5)}
	for _, src := range errdefs.Sources(err) {
		out = errdefs.WithSource(out, src)
	}
	return errdefs.WrapVertex(out, digest.Digest(ve.Digest))
}

// missingError is a copy's missing source and what its input has nearest;
// err is the engine's error, for its message only.
type missingError struct {
	err  error
	src  string
	dir  string
	near []string
}

func (e *missingError) Error() string {
	near := make([]string, len(e.near))
	for i, n := range e.near {
		near[i] = path.Join(e.dir, n)
	}
	return fmt.Sprintf("%v\n%s is not in the artifact; nearest there: %s", e.err, path.Clean("/"+e.src), strings.Join(near, ", "))
}

// findOp returns the op of def with digest d.
func findOp(def *llb.Definition, d digest.Digest) (*pb.Op, bool) {
	for _, dt := range def.Def {
		if digest.FromBytes(dt) != d {
			continue
		}
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return nil, false
		}
		return &op, true
	}
	return nil, false
}

// solveInput returns the result of one input of def's ops: def's ops
// with a terminal pointing at it.
func solveInput(ctx context.Context, c gateway.Client, def *llb.Definition, in *pb.Input) (gateway.Reference, error) {
	term, err := (&pb.Op{Inputs: []*pb.Input{in}}).MarshalVT()
	if err != nil {
		return nil, err
	}
	sub := def.ToPB()
	sub.Def = append(sub.Def[:len(sub.Def):len(sub.Def)], term)
	res, err := c.Solve(ctx, gateway.SolveRequest{Definition: sub, Evaluate: true})
	if err != nil {
		return nil, err
	}
	return res.SingleRef()
}

// nearestDir finds the deepest directory of p that exists in ref and
// returns it, the name p wants in it, and its entries.
func nearestDir(ctx context.Context, ref gateway.Reference, p string) (string, string, []string) {
	parts := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	for i := len(parts) - 1; i >= 0; i-- {
		dir := "/" + strings.Join(parts[:i], "/")
		entries, err := ref.ReadDir(ctx, gateway.ReadDirRequest{Path: dir})
		if err != nil {
			continue
		}
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, path.Base(e.Path))
		}
		return dir, parts[i], names
	}
	return "", "", nil
}
