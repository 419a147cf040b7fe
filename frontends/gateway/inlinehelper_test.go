package gateway

import (
	"bytes"
	"context"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"google.golang.org/protobuf/proto"
)

// TestInlineHelperKeepsTheCLIGraph compiles one target the CLI's way
// (helper from a session local) and the frontend's way, and wants the
// same ops in the same order, the helper's source aside: only digests of
// inputs may differ, and only downstream of the helper.
func TestInlineHelperKeepsTheCLIGraph(t *testing.T) {
	r, err := stdlib.Evaluate(stdlib.Options{
		Project: fstest.MapFS{"cairn.star": {Data: []byte(
			"t = merge([local(\"root\"), files({\"a\": \"x\\n\"})])\ntarget(\"tar\", archive(t, name = \"t.tar\"))\n")}, "root/f": {Data: []byte("f")}},
		Library: recipes.FS,
	})
	if err != nil {
		t.Fatal(err)
	}
	p := platforms.MustParse("linux/arm64")
	helper := []byte("a helper binary")
	req := frontends.Request{Options: frontends.NewOptions(), Recipe: r, Helper: func(string) []byte { return helper }, HelperLocal: frontends.HelperLocal}
	req.Target = "tar"
	cli, err := frontends.Definition(context.Background(), req, p, p)
	if err != nil {
		t.Fatal(err)
	}
	req.Rewrite = func(ctx context.Context, def *llb.Definition, h stdlib.Helper) (*llb.Definition, error) {
		return inlineHelper(ctx, def, h, req.Epoch)
	}
	fe, err := frontends.Definition(context.Background(), req, p, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(cli.Def) != len(fe.Def) {
		t.Fatalf("the CLI's graph has %d ops, the frontend's %d", len(cli.Def), len(fe.Def))
	}
	swapped, same := 0, 0
	for i := range cli.Def {
		a, b := decodeOp(t, cli.Def[i]), decodeOp(t, fe.Def[i])
		if a.GetSource().GetIdentifier() == "local://"+frontends.HelperLocal {
			swapped++
			if mk := b.GetFile().GetActions()[0].GetMkfile(); mk == nil || !bytes.Equal(mk.Data, helper) || mk.Path != "/"+stdlib.HelperFile(p) {
				t.Errorf("op %d: the helper's local became %v, want a file %s holding the helper", i, b, stdlib.HelperFile(p))
			}
			continue
		}
		if bytes.Equal(cli.Def[i], fe.Def[i]) {
			same++
		}
		for _, op := range []*pb.Op{a, b} {
			for _, in := range op.Inputs {
				in.Digest = ""
			}
		}
		if !proto.Equal(a, b) {
			t.Errorf("op %d differs beyond its inputs:\ncli: %v\nfrontend: %v", i, a, b)
		}
	}
	if swapped != 1 || same == 0 {
		t.Errorf("%d helper sources swapped (want 1), %d ops byte-identical (want some)", swapped, same)
	}
}

func decodeOp(t *testing.T, dt []byte) *pb.Op {
	t.Helper()
	var op pb.Op
	if err := proto.Unmarshal(dt, &op); err != nil {
		t.Fatal(err)
	}
	return &op
}
