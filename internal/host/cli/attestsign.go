package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/attest"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client"
)

// envelopeSuffix names the signed statements of a target
// (target(attest_key, attest_cert)): DSSE envelopes, one a line, as an
// in-toto bundle.
const envelopeSuffix = ".intoto.jsonl"

// signDocuments signs the provenance and the SBOM (as an in-toto
// statement over the same files) in a second, small solve: the signer
// lives in the graph, as every signer does, and the statements exist
// only once the output's files are digested.
func (b *buildPlan) signDocuments(ctx context.Context, c *client.Client, t *stdlib.Target, d documents, files []attest.File, prog *progress) ([]byte, error) {
	sbom, err := attest.SBOMStatement(d.sbom, files)
	if err != nil {
		return nil, fmt.Errorf("SBOM statement of %s: %w", t.Name, err)
	}
	out := t.Name + envelopeSuffix
	req := frontends.Request{Options: *b.opts, Recipe: b.project.recipe, Observe: prog.observe, HelperLocal: frontends.HelperLocal,
		Sign: &frontends.SignRequest{Out: out, Statements: []stdlib.Statement{
			{Name: "provenance.json", Data: d.provenance}, {Name: "sbom.json", Data: sbom}}}}
	req.Target = t.Name
	// Named as output.go names its temporaries, so an interrupted
	// build's is cleaned as theirs are.
	tmp, err := os.MkdirTemp(b.flags.out, "."+t.Name+".sign.tmp-")
	if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	opt, unpacked, err := b.solveOpt(t.Name, tmp)
	if err != nil {
		return nil, err
	}
	// The target's cache is the build's: this solve neither replaces
	// nor reads it.
	opt.CacheExports, opt.CacheImports = nil, nil
	_, err = c.Build(ctx, opt, "cairn", buildImporting(req), prog.channel())
	if _, uerr := unpacked(); err == nil && uerr != nil {
		err = uerr
	}
	if err != nil {
		return nil, fmt.Errorf("signing the SBOM and provenance of %s: %w", t.Name, err)
	}
	return os.ReadFile(filepath.Join(tmp, out))
}
