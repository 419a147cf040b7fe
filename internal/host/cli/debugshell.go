package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/containerd/console"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	gatewaypb "github.com/moby/buildkit/frontend/gateway/pb"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	"golang.org/x/term"
)

// cairn build --debug-on-fail: when a run() step fails, a shell opens in
// a container holding exactly that step's mounts as they were when it
// failed (its root with what it wrote, its inputs, secrets, caches),
// with its environment, working directory, user, network and platform,
// through BuildKit's gateway container API, as `buildx debug` does.
// Leaving the shell ends the build with the step's error. Without a
// terminal, it prints why there is no shell and how to get one.

// debugShell is the shell started in a failed step.
type debugShell struct {
	stdin          *os.File
	stdout, stderr io.Writer
	// mu lets one shell open at a time when several targets fail.
	mu sync.Mutex
}

func (d *debugShell) onFail(ctx context.Context, c gateway.Client, failure error) error {
	var se *errdefs.SolveError
	if !errors.As(failure, &se) || se.Op == nil || se.Op.GetExec() == nil {
		fmt.Fprintln(d.stderr, "cairn: --debug-on-fail: the failed step is not a command (run() or a helper step), so there is no shell to open in it")
		return failure
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	exec := se.Op.GetExec()
	if !term.IsTerminal(int(d.stdin.Fd())) {
		fmt.Fprintf(d.stderr, "cairn: --debug-on-fail: no terminal on stdin, so no shell: run the same cairn build with --debug-on-fail in a terminal to get one in %q (cwd %s, %d mounts)\n",
			strings.Join(exec.Meta.Args, " "), exec.Meta.Cwd, len(exec.Mounts))
		return failure
	}
	var mounts []gateway.Mount
	for i, m := range exec.Mounts {
		gm := gateway.Mount{Dest: m.Dest, Selector: m.Selector, Readonly: m.Readonly, MountType: m.MountType,
			CacheOpt: m.CacheOpt, SecretOpt: m.SecretOpt, SSHOpt: m.SSHOpt}
		if i < len(se.MountIDs) {
			gm.ResultID = se.MountIDs[i]
		}
		mounts = append(mounts, gm)
	}
	ctr, err := c.NewContainer(ctx, gateway.NewContainerRequest{Mounts: mounts, NetMode: exec.Network,
		Platform: se.Op.Platform, Constraints: se.Op.Constraints})
	if err != nil {
		fmt.Fprintf(d.stderr, "cairn: --debug-on-fail: could not open the failed step's container: %v\n", err)
		return failure
	}
	defer ctr.Release(context.WithoutCancel(ctx))
	fmt.Fprintf(d.stderr, "\ncairn: the step failed: %s\ncairn: a shell in it (its mounts as it left them, cwd %s); exit to end the build with its error\n",
		strings.Join(exec.Meta.Args, " "), exec.Meta.Cwd)
	if err := d.run(ctx, ctr, exec.Meta); err != nil {
		fmt.Fprintf(d.stderr, "cairn: --debug-on-fail: the shell: %v\n", err)
	}
	return failure
}

// run starts the shell on the terminal, raw, following its size.
func (d *debugShell) run(ctx context.Context, ctr gateway.Container, meta *pb.Meta) error {
	con, err := console.ConsoleFromFile(d.stdin)
	if err != nil {
		return err
	}
	if err := con.SetRaw(); err != nil {
		return err
	}
	defer con.Reset()
	proc, err := ctr.Start(ctx, gateway.StartRequest{
		Args: []string{"/bin/sh"}, Env: meta.Env, Cwd: meta.Cwd, User: meta.User, Tty: true,
		Stdin: io.NopCloser(d.stdin), Stdout: nopWriteCloser{d.stdout}, Stderr: nopWriteCloser{d.stderr},
	})
	if err != nil {
		return err
	}
	resize := func() {
		if ws, err := con.Size(); err == nil {
			proc.Resize(ctx, gateway.WinSize{Rows: uint32(ws.Height), Cols: uint32(ws.Width)})
		}
	}
	resize()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	done := make(chan error, 1)
	go func() { done <- proc.Wait() }()
	for {
		select {
		case <-winch:
			resize()
		case err := <-done:
			var exit *gatewaypb.ExitError
			if errors.As(err, &exit) {
				return nil // the shell's own exit status is the user's
			}
			return err
		}
	}
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
