package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/host/why"
	"github.com/moby/buildkit/client/llb"
	digest "github.com/opencontainers/go-digest"
)

// whyDir keeps, under the output directory, each target's step records:
// TARGET.json (the last build) and TARGET.prev.json (the one before),
// which `cairn why` compares.
const whyDir = ".cairn-why"

func whyPaths(out, target string) (cur, prev string) {
	p := filepath.Join(out, whyDir, target)
	return p + ".json", p + ".prev.json"
}

// defs collects the definitions a target's solve compiled (one per
// platform).
type defs struct {
	mu  sync.Mutex
	all []*llb.Definition
}

func (d *defs) observe(next func(*llb.Definition)) func(*llb.Definition) {
	return func(def *llb.Definition) {
		d.mu.Lock()
		d.all = append(d.all, def)
		d.mu.Unlock()
		next(def)
	}
}

// recordSteps writes the target's step record, keeping the earlier one,
// and returns what changed since it (nil on a first build).
func (b *buildPlan) recordSteps(ctx context.Context, name string, d *defs, prog *progress) (*why.Report, error) {
	d.mu.Lock()
	all := append([]*llb.Definition(nil), d.all...)
	d.mu.Unlock()
	rec, err := why.FromDefs(ctx, name, all, why.Options{LocalDir: b.whyLocalDir, Ran: prog.ran, Root: b.project.dir})
	if err != nil {
		return nil, fmt.Errorf("recording the steps of %s: %w", name, err)
	}
	cur, prev := whyPaths(b.flags.out, name)
	var report *why.Report
	if last, err := why.Read(cur); err == nil {
		r := why.Explain(last, rec, b.lock())
		report = &r
	}
	if err := rec.Write(cur, prev); err != nil {
		return nil, fmt.Errorf("recording the steps of %s: %w", name, err)
	}
	return report, nil
}

// whyLocalDir is the directory a session local serves, for the step
// record; the helper's is not the recipe's input.
func (b *buildPlan) whyLocalDir(name string) string {
	if name == frontends.HelperLocal {
		return ""
	}
	dir, _ := b.localDir(name)
	return dir
}

// lock finds lines of the project's cairn.lock.
func (b *buildPlan) lock() why.Lock { return lockOf(b.project.dir) }

func lockOf(dir string) why.Lock {
	data, err := os.ReadFile(filepath.Join(dir, "cairn.lock"))
	if err != nil {
		return nil
	}
	return why.LockText("cairn.lock", string(data))
}

// ran says whether the exec step of digest d ran in this build.
func (p *progress) ran(d string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	dg := digest.Digest(d)
	cached, seen := p.cached[dg]
	return seen && !cached && p.execs[dg]
}

func runWhy(e *env) error {
	fs := newFlags("why", e)
	out := fs.String("o", "out", "output `dir` the target was built into")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	since := fs.String("since", "", "compare with this step `record` instead of the build before the last (a copy of OUT/.cairn-why/TARGET.json)")
	project := fs.String("C", ".", "project `dir` whose cairn.lock names the pins")
	args, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errUsage("usage: cairn why [-o DIR] [--json] [--since RECORD] TARGET")
	}
	target := args[0]
	cur, prev := whyPaths(*out, target)
	if *since != "" {
		prev = *since
	}
	last, err := why.Read(cur)
	if os.IsNotExist(err) {
		return fmt.Errorf("%s has no step record under %s: build it first (cairn build %s -o %s); records are written by every build that solves", target, *out, target, *out)
	}
	if err != nil {
		return err
	}
	before, err := why.Read(prev)
	if os.IsNotExist(err) {
		return fmt.Errorf("%s was built once into %s: there is no earlier build to compare with (build it again after a change, or give --since RECORD)", target, *out)
	}
	if err != nil {
		return err
	}
	r := why.Explain(before, last, lockOf(*project))
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.Text(e.stdout)
	return nil
}

// firstCause names the first cause among the targets' reports, for the
// build's last line.
func firstCause(results []*targetResult) string {
	for _, r := range results {
		if r != nil && r.why != nil {
			if s := r.why.First(); s != "" {
				return fmt.Sprintf("; first cause: %s (cairn why %s)", strings.TrimSpace(s), r.Target)
			}
		}
	}
	return ""
}
