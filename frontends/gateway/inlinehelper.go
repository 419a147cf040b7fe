package gateway

import (
	"context"
	"fmt"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"google.golang.org/protobuf/proto"
)

// The CLI serves cairn's helper binary to the engine as a session local
// (see stdlib.Helper): the graph stays small, and the copy that takes the
// binary out of the local is keyed by the binary's content. A gateway
// frontend has no session directory to serve from, so it compiles the
// very graph the CLI compiles and then swaps that one local source for an
// inline file op holding the same bytes at the same path. Every other op
// is the CLI's, byte for byte; the copy behind the swapped source is
// cached by content, so everything after it gets the CLI's cache keys and
// the two share one engine's cache.

// inlineHelper returns def with h's session-local source replaced by an
// inline file; def is returned as is when it does not use the helper, or
// the helper is not served from a local.
func inlineHelper(ctx context.Context, def *llb.Definition, h stdlib.Helper, ep epoch.Epoch) (*llb.Definition, error) {
	if h.Local == "" || len(h.Binary) == 0 {
		return def, nil
	}
	file, err := helperFile(ctx, h, ep)
	if err != nil {
		return nil, err
	}
	id := "local://" + h.Local
	r := rewrite{renamed: map[digest.Digest]digest.Digest{}, seen: map[digest.Digest]bool{},
		out: &llb.Definition{Metadata: map[digest.Digest]llb.OpMetadata{}}}
	for _, dt := range def.Def {
		var op pb.Op
		if err := proto.Unmarshal(dt, &op); err != nil {
			return nil, fmt.Errorf("inlining the helper: decoding an op: %w", err)
		}
		old := digest.FromBytes(dt)
		if src := op.GetSource(); src != nil && src.Identifier == id {
			r.renamed[old] = file.digest
			r.add(file.digest, file.op, file.meta)
			continue
		}
		if err := r.keep(old, dt, &op, def.Metadata[old]); err != nil {
			return nil, err
		}
	}
	if len(r.renamed) == 0 {
		return def, nil
	}
	r.out.Source = renameSources(def.Source, r.renamed)
	return r.out, nil
}

// rewrite accumulates the new definition.
type rewrite struct {
	renamed map[digest.Digest]digest.Digest
	seen    map[digest.Digest]bool
	out     *llb.Definition
}

// keep appends an op, re-encoded when one of its inputs was renamed.
func (r *rewrite) keep(old digest.Digest, dt []byte, op *pb.Op, meta llb.OpMetadata) error {
	changed := false
	for _, in := range op.Inputs {
		if d, ok := r.renamed[digest.Digest(in.Digest)]; ok {
			in.Digest, changed = string(d), true
		}
	}
	if !changed {
		r.add(old, dt, meta)
		return nil
	}
	enc, err := proto.MarshalOptions{Deterministic: true}.Marshal(op)
	if err != nil {
		return fmt.Errorf("inlining the helper: encoding an op: %w", err)
	}
	d := digest.FromBytes(enc)
	r.renamed[old] = d
	r.add(d, enc, meta)
	return nil
}

func (r *rewrite) add(d digest.Digest, dt []byte, meta llb.OpMetadata) {
	if r.seen[d] {
		return
	}
	r.seen[d] = true
	r.out.Def = append(r.out.Def, dt)
	r.out.Metadata[d] = meta
}

// fileOp is one marshalled op.
type fileOp struct {
	op     []byte
	digest digest.Digest
	meta   llb.OpMetadata
}

// helperFile is the inline op: the helper at the path the CLI's local
// serves it under, owned by 0:0 with mode 0755 as the CLI writes it.
func helperFile(ctx context.Context, h stdlib.Helper, ep epoch.Epoch) (fileOp, error) {
	if h.Digest == "" {
		h.Digest = digest.FromBytes(h.Binary)
	}
	mk := llb.Mkfile("/"+stdlib.HelperFile(h.Platform), 0o755, h.Binary, llb.WithCreatedTime(ep.Time()))
	st := llb.Scratch().File(mk, llb.WithCustomName("cairn-helper "+h.Digest.Encoded()[:12]+" (inline)"))
	def, err := st.Marshal(ctx, llb.Platform(h.Platform))
	if err != nil {
		return fileOp{}, fmt.Errorf("inlining the helper: %w", err)
	}
	dt := def.Def[0] // then the terminal op
	d := digest.FromBytes(dt)
	return fileOp{op: dt, digest: d, meta: def.Metadata[d]}, nil
}

// renameSources moves source-map locations to the ops' new digests.
func renameSources(src *pb.Source, renamed map[digest.Digest]digest.Digest) *pb.Source {
	if src == nil {
		return nil
	}
	out := &pb.Source{Infos: src.Infos, Locations: map[string]*pb.Locations{}}
	for k, v := range src.Locations {
		if d, ok := renamed[digest.Digest(k)]; ok {
			k = string(d)
		}
		out.Locations[k] = v
	}
	return out
}
