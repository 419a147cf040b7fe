// Package llbdump renders a marshalled LLB definition as stable JSON (for
// golden tests and `cairn graph`) or Graphviz dot, without an engine.
//
// protojson is deliberately unstable across runs, so the JSON here goes
// through encoding/json over the generated structs, the way buildctl's
// dump-llb does; map keys come out sorted.
package llbdump

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// Op is one vertex of the definition.
type Op struct {
	Digest   digest.Digest  `json:"digest"`
	Op       *pb.Op         `json:"op"`
	Metadata *pb.OpMetadata `json:"metadata,omitempty"`
}

// Ops decodes a definition into its vertices in definition order.
func Ops(def *llb.Definition) ([]Op, error) {
	ops := make([]Op, 0, len(def.Def))
	for _, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return nil, fmt.Errorf("decoding LLB op: %w", err)
		}
		d := digest.FromBytes(dt)
		ops = append(ops, Op{Digest: d, Op: &op, Metadata: def.Metadata[d].ToPB()})
	}
	return ops, nil
}

// JSON writes the definition as indented JSON: one object per op, then the
// source map.
func JSON(w io.Writer, def *llb.Definition) error {
	ops, err := Ops(def)
	if err != nil {
		return err
	}
	doc := struct {
		Ops    []Op       `json:"ops"`
		Source *pb.Source `json:"source,omitempty"`
	}{ops, def.Source}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// Dot writes the definition as a Graphviz digraph.
func Dot(w io.Writer, def *llb.Definition) error {
	ops, err := Ops(def)
	if err != nil {
		return err
	}
	at := Positions(def, "")
	var b strings.Builder
	b.WriteString("digraph llb {\n  rankdir=BT;\n  node [shape=box];\n")
	for _, o := range ops {
		l := label(o)
		if p := at[o.Digest.String()]; p != "" {
			l = p + "\n" + l // the recipe line first: what the reader looks for
		}
		fmt.Fprintf(&b, "  %q [label=%q];\n", o.Digest, l)
		for _, in := range o.Op.Inputs {
			fmt.Fprintf(&b, "  %q -> %q;\n", o.Digest, in.Digest)
		}
	}
	b.WriteString("}\n")
	_, err = io.WriteString(w, b.String())
	return err
}

func label(o Op) string {
	name := ""
	if o.Metadata != nil {
		name = o.Metadata.Description["llb.customname"]
	}
	if name == "" {
		name = opKind(o.Op)
	}
	return name + "\n" + o.Digest.Encoded()[:12]
}

func opKind(op *pb.Op) string {
	switch v := op.Op.(type) {
	case *pb.Op_Source:
		return "source " + v.Source.Identifier
	case *pb.Op_Exec:
		return "exec " + strings.Join(v.Exec.Meta.Args, " ")
	}
	return Kind(op)
}

// Kind names an op's kind: source, exec, file, merge, diff, build, or
// result for the definition's terminal vertex.
func Kind(op *pb.Op) string {
	switch op.Op.(type) {
	case *pb.Op_Source:
		return "source"
	case *pb.Op_Exec:
		return "exec"
	case *pb.Op_File:
		return "file"
	case *pb.Op_Merge:
		return "merge"
	case *pb.Op_Diff:
		return "diff"
	case *pb.Op_Build:
		return "build"
	}
	return "result"
}

// Positions maps each vertex of def (by digest) to the first recipe
// position (file:line) its source map gives, files under root relative
// to it.
func Positions(def *llb.Definition, root string) map[string]string {
	out := map[string]string{}
	if def.Source == nil {
		return out
	}
	for d, locs := range def.Source.Locations {
		for _, l := range locs.Locations {
			if int(l.SourceIndex) >= len(def.Source.Infos) || len(l.Ranges) == 0 {
				continue
			}
			file := def.Source.Infos[l.SourceIndex].Filename
			if rel, ok := strings.CutPrefix(file, root+"/"); ok && root != "" {
				file = rel
			}
			out[d] = file + ":" + strconv.Itoa(int(l.Ranges[0].Start.Line))
			break
		}
	}
	return out
}
