package stdlib

import (
	"context"
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
)

// Statement is one in-toto statement of a target, by file name.
type Statement struct {
	Name string
	Data []byte
}

// Signed says whether the target's SBOM and provenance are to be signed
// (target(attest_key, attest_cert)).
func (t *Target) Signed() bool { return t.attest != nil }

// SignStatements is the graph of the step that signs a target's
// statements, in order, into DSSE envelopes, one a line of the file
// named out at the root of its result. The statements are written into
// the graph as files: the step is keyed by what it signs and the
// certificate, so an unchanged statement is not signed again. It runs
// after the target was built and exported, when the file digests its
// statements name are known.
func (c *Compiler) SignStatements(ctx context.Context, t *Target, statements []Statement, out string) (*llb.Definition, error) {
	if t.attest == nil {
		return nil, fmt.Errorf("target %q signs no attestations", t.Name)
	}
	root, err := c.helperState("target")
	if err != nil {
		return nil, errAt(t.Pos, "", err)
	}
	in := llb.Scratch()
	req := request.AttestSign{Out: "/out/" + out, Epoch: c.epoch}
	for _, s := range statements {
		in = in.File(llb.Mkfile("/"+s.Name, 0o644, s.Data, c.created(), rootOwner()), llb.WithCustomName("statement "+s.Name))
		req.In = append(req.In, "/in/"+s.Name)
	}
	opts, err := t.attest.mount(c, &req.Signer, "/cert", fmt.Sprintf("sign the SBOM and provenance of %s", t.Name))
	if err != nil {
		return nil, err
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return nil, errAt(t.Pos, "target", err)
	}
	opts = append(opts, llb.AddMount("/in", in, llb.Readonly), llb.Platform(c.helper.Platform), c.loc(t.Pos), llb.Args(args))
	st := root.Run(opts...).AddMount("/out", llb.Scratch())
	return st.Marshal(ctx, llb.Platform(c.platform), llb.LocalUniqueID(localUniqueID))
}
