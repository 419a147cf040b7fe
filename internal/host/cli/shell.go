package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/moby/buildkit/client/llb"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	"golang.org/x/term"
)

// cairn shell TARGET --at LINE: a shell in a container holding the
// inputs of the command step at a recipe line, as that step would start
// (its mounts, environment, working directory, user, network and
// platform), built as far as they need to be. Writes in it are thrown
// away. It is --debug-on-fail for a step that did not fail.

func runShell(e *env) error {
	fs := newFlags("shell", e)
	var f buildFlags
	addBuildFlags(fs, &f, "plain")
	at := fs.String("at", "", "the recipe `LINE` of the step (cairn.star:27, or 27 in the main recipe; a loaded file by its path: lib/x.star:12)")
	name, err := oneTarget(fs, e.args, "cairn shell [-f FILE] TARGET --at LINE")
	if err != nil {
		return err
	}
	if *at == "" {
		return errUsage("usage: cairn shell [-f FILE] TARGET --at LINE: give the step's recipe line")
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return fmt.Errorf("cairn shell needs a terminal on stdin: run it from one")
	}
	plan, err := planBuild(e, f, []string{name})
	if err != nil {
		return err
	}
	want := *at
	if !strings.Contains(want, ":") {
		want = "cairn.star:" + want
	}
	return plan.openShellAt(e, name, want)
}

// openShellAt connects to the engine and opens the shell in a build function.
func (b *buildPlan) openShellAt(e *env, name, at string) error {
	c, _, err := b.connect(e)
	if err != nil {
		return err
	}
	defer c.Close()
	prog, err := newProgress(e, b.flags.progress)
	if err != nil {
		return err
	}
	req := frontends.Request{Options: *b.opts, Recipe: b.project.recipe, HelperLocal: frontends.HelperLocal}
	req.Target = name
	tmp, err := os.MkdirTemp("", "cairn-shell-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	opt, _, err := b.solveOpt(name, tmp)
	if err != nil {
		return err
	}
	opt.Exports, opt.CacheExports = nil, nil
	sh := &debugShell{stdin: os.Stdin, stdout: e.stdout, stderr: e.stderr}
	var shellErr error
	_, err = c.Build(e.ctx, opt, "cairn", func(ctx context.Context, gc gateway.Client) (*gateway.Result, error) {
		def, err := frontends.Definition(ctx, req, frontends.NativePlatform(gc), frontends.NativePlatform(gc))
		if err != nil {
			return nil, err
		}
		shellErr = b.openShell(ctx, gc, sh, def, at, prog)
		return gateway.NewResult(), nil
	}, prog.channel())
	prog.wait()
	if err != nil {
		return prog.explain(err)
	}
	return shellErr
}

// openShell finds the command step at the recipe line, solves its
// inputs, and runs the shell among them.
func (b *buildPlan) openShell(ctx context.Context, gc gateway.Client, sh *debugShell, def *llb.Definition, at string, prog *progress) error {
	ops, err := llbdump.Ops(def)
	if err != nil {
		return err
	}
	pos := llbdump.Positions(def, b.project.dir)
	var lines []string
	var found *llbdump.Op
	for i, o := range ops {
		if o.Op.GetExec() == nil {
			continue
		}
		p := pos[o.Digest.String()]
		if p == at && found == nil {
			found = &ops[i]
		}
		if p != "" && !slices.Contains(lines, p) {
			lines = append(lines, p)
		}
	}
	if found == nil {
		sort.Strings(lines)
		return fmt.Errorf("--at %s: the target has no command step there; its command steps are at %s", at, strings.Join(lines, ", "))
	}
	exec := found.Op.GetExec()
	var mounts []gateway.Mount
	for _, m := range exec.Mounts {
		gm := gateway.Mount{Dest: m.Dest, Selector: m.Selector, Readonly: m.Readonly, MountType: m.MountType,
			CacheOpt: m.CacheOpt, SecretOpt: m.SecretOpt, SSHOpt: m.SSHOpt}
		if m.Input >= 0 && int(m.Input) < len(found.Op.Inputs) {
			res, err := gc.Solve(ctx, gateway.SolveRequest{Definition: inputDef(def, found.Op.Inputs[m.Input]), Evaluate: true})
			if err != nil {
				return fmt.Errorf("building the input of %s: %w", m.Dest, err)
			}
			if gm.Ref, err = res.SingleRef(); err != nil {
				return err
			}
		}
		mounts = append(mounts, gm)
	}
	ctr, err := gc.NewContainer(ctx, gateway.NewContainerRequest{Mounts: mounts, NetMode: exec.Network,
		Platform: found.Op.Platform, Constraints: found.Op.Constraints})
	if err != nil {
		return fmt.Errorf("opening the step's container: %w", err)
	}
	defer ctr.Release(context.WithoutCancel(ctx))
	fmt.Fprintf(sh.stderr, "\ncairn: a shell in the inputs of %s: %s (cwd %s); what it writes is thrown away\n",
		at, strings.Join(exec.Meta.Args, " "), exec.Meta.Cwd)
	return sh.run(ctx, ctr, exec.Meta)
}

// inputDef is def ending at one vertex's output instead of its own end.
func inputDef(def *llb.Definition, in *pb.Input) *pb.Definition {
	d := def.ToPB()
	term := &pb.Op{Inputs: []*pb.Input{{Digest: in.Digest, Index: in.Index}}}
	dt, _ := term.MarshalVT()
	d.Def = append(d.Def[:len(d.Def)-1:len(d.Def)-1], dt)
	return d
}
