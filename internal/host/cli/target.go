package cli

import (
	"context"
	"fmt"

	"github.com/cairn-build/cairn/frontends"
	"github.com/moby/buildkit/client"
)

// buildTarget solves one target into a temporary directory beside its output
// and swaps it in only when the solve succeeded.
func (b *buildPlan) buildTarget(ctx context.Context, c *client.Client, name string, prog *progress) (*targetResult, error) {
	steps := &defs{}
	req := frontends.Request{Options: *b.opts, Recipe: b.project.recipe, Observe: steps.observe(prog.observe), HelperLocal: frontends.HelperLocal}
	req.Target = name
	req.PackSparse = true // untar unpacks them
	if b.shell != nil {
		req.OnFail = b.shell.onFail
	}
	bill := &bills{}
	req.Bill = bill.add
	key, err := b.graphKey(ctx, c, req)
	if err != nil {
		return nil, err
	}
	// An up-to-date output skips the solve, unless the cache is to be
	// exported: only a solve exports it.
	if rec, ok := b.upToDate(name, key); ok && len(b.flags.cache.to.entries) == 0 {
		rec.Fresh = true
		return rec, nil
	}
	ch := prog.channel()
	out, err := newOutput(b.flags.out, name)
	if err != nil {
		close(ch)
		return nil, err
	}
	defer out.discard()
	opt, unpacked, err := b.solveOpt(name, out.tmp)
	if err != nil {
		close(ch)
		return nil, err
	}
	_, err = c.Build(ctx, opt, "cairn", buildImporting(req), ch)
	ex, uerr := unpacked()
	if err == nil && uerr != nil {
		err = fmt.Errorf("writing the output: %w", uerr)
	}
	if err != nil {
		return nil, b.flags.cache.explainRegistry(fmt.Errorf("building %s: %w", name, err))
	}
	res := &targetResult{Target: name, Recipe: b.project.recipe.File, Epoch: b.opts.Epoch, Platforms: platformIDs(b.opts.Platforms), Graph: key, Withheld: ex.withheld}
	docs := func(r *targetResult) (documents, error) {
		d, err := b.attestations(r, bill.merged())
		if t := b.project.recipe.Target(name); err == nil && t.Signed() {
			d.envelopes, err = b.signDocuments(ctx, c, t, d, outputFiles(r), prog)
		}
		return d, err
	}
	if err := out.commit(res, ex.sums, docs); err != nil {
		return nil, err
	}
	if res.why, err = b.recordSteps(ctx, name, steps, prog); err != nil {
		return nil, err
	}
	return res, nil
}
