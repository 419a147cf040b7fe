package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// startTimeout bounds how long a starting buildkitd may take to answer.
const startTimeout = 60 * time.Second

// ensureEmbedded makes sure a healthy embedded engine answers on p.sock,
// reusing a running one or starting it. The state lock makes concurrent
// cairn processes converge on a single engine.
func ensureEmbedded(ctx context.Context, cfg Config, p paths) error {
	if err := p.create(); err != nil {
		return err
	}
	unlock, err := lockState(ctx, p.lock)
	if err != nil {
		return err
	}
	defer unlock()
	if ping(ctx, p) == nil {
		return nil
	}
	if pid, ok := runningPID(p); ok {
		return awaitOrphan(ctx, p, pid)
	}
	return start(ctx, cfg, p)
}

// awaitOrphan waits for an engine whose starter gave up (for instance was
// interrupted) while it was still starting.
func awaitOrphan(ctx context.Context, p paths, pid int) error {
	err := waitReady(ctx, p, func() error {
		if !alive(pid) {
			return fmt.Errorf("buildkitd pid %d exited", pid)
		}
		return nil
	})
	if errors.Is(err, errStartTimeout) {
		return errEngineUnresponsive(pid, p.sock)
	}
	return err
}

// start launches buildkitd detached from this process and waits until it
// answers. On failure the half-started engine is killed.
func start(ctx context.Context, cfg Config, p paths) error {
	cmd, err := engineCommand(cfg, p)
	if err != nil {
		return err
	}
	if err := launch(cmd, p); err != nil {
		return err
	}
	cfg.progress("starting engine: %s (log: %s)", cmd.Path, p.log)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }() // reap it if it dies while we live
	err = waitReady(ctx, p, func() error {
		select {
		case err := <-exited:
			return fmt.Errorf("buildkitd: %w", err)
		default:
			return nil
		}
	})
	if err == nil {
		cfg.progress("engine ready: pid %d, %s", cmd.Process.Pid, p.address())
		return nil
	}
	return startFailed(ctx, p, cmd.Process.Pid, err)
}

// startFailed turns a failed wait into the error to report, killing the
// half-started engine. An interrupted command (Ctrl-C) stops the engine it
// was starting too: it leaves nothing behind that it started.
func startFailed(ctx context.Context, p paths, pid int, err error) error {
	_ = terminate(context.WithoutCancel(ctx), pid)
	_ = os.Remove(p.pid)
	if ctx.Err() != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	if errors.Is(err, errStartTimeout) {
		return errEngineTimeout(p.sock, p.log, logTail(p.log), startTimeout)
	}
	return errEngineExited(p.log, logTail(p.log), err)
}

// engineCommand checks the host and builds the buildkitd command line.
func engineCommand(cfg Config, p paths) (*exec.Cmd, error) {
	bin, err := cfg.buildkitdPath()
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("runc"); err != nil {
		return nil, errNoRunc(err)
	}
	if os.Geteuid() != 0 {
		return nil, errNotRoot()
	}
	par, err := parallelism()
	if err != nil {
		return nil, err
	}
	if err := writeEngineConfig(p, par); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin,
		"--root", p.root,
		"--addr", p.address(),
		"--config", p.config,
		"--oci-worker=true",
		"--containerd-worker=false",
		"--oci-worker-snapshotter=auto", // overlayfs, else native
	)
	// A new session: no controlling terminal, no signals from our process
	// group (Ctrl-C), and it outlives us.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd, nil
}

// launch starts cmd with stdin from /dev/null (cmd.Stdin is nil) and
// stdout+stderr appended to the log file, never our own: a CI step piping
// cairn's output would otherwise wait for the engine to exit.
func launch(cmd *exec.Cmd, p paths) error {
	_ = os.Remove(p.sock) // stale socket from an engine that died
	logf, err := openLog(p.log)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return errEngineExited(p.log, "", err)
	}
	if err := writePID(p.pid, cmd.Process.Pid); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return err
	}
	return nil
}

// openLog moves the previous engine's log to <log>.1 and opens a new one,
// so the log describes the running engine and one crash back.
func openLog(path string) (*os.File, error) {
	if err := os.Rename(path, path+".1"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("rotate engine log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open engine log: %w", err)
	}
	return f, nil
}

// errStartTimeout marks a buildkitd that did not answer within startTimeout.
var errStartTimeout = errors.New("engine did not answer in time")

// waitReady polls the socket until the engine answers, exited reports that
// the process is gone, startTimeout passes or ctx is done.
func waitReady(ctx context.Context, p paths, exited func() error) error {
	deadline := time.Now().Add(startTimeout)
	for ping(ctx, p) != nil {
		if err := exited(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return errStartTimeout
		}
		if err := sleep(ctx, pollInterval*2); err != nil {
			return err
		}
	}
	return nil
}

// logTailLines is how much of buildkitd's log a SetupError quotes.
const logTailLines = 20

// logTail returns the last logTailLines lines of the log file at path.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > logTailLines {
		lines = lines[len(lines)-logTailLines:]
	}
	return strings.Join(lines, "\n")
}

// Garbage collection of the embedded engine's cache: keep at least
// gcReserved, never more than gcMaxUsed, and start collecting early when
// the disk has less than gcMinFree free.
const (
	gcReserved = "2GB"
	gcMaxUsed  = "20GB"
	gcMinFree  = "10%"
)

// writeEngineConfig writes buildkitd.toml, regenerated on every start.
// It has no registry section: images come from their registries directly.
// par bounds the steps run at once (0: unbounded).
func writeEngineConfig(p paths, par int) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Generated by cairn on every engine start; edits are lost.\n")
	fmt.Fprintf(&b, "root = %q\n\n", p.root)
	fmt.Fprintf(&b, "[otel]\n  socketPath = %q\n\n", p.otelSock())
	fmt.Fprintf(&b, "[worker.oci]\n  enabled = true\n  gc = true\n")
	fmt.Fprintf(&b, "  reservedSpace = %q\n  maxUsedSpace = %q\n  minFreeSpace = %q\n", gcReserved, gcMaxUsed, gcMinFree)
	if par > 0 {
		fmt.Fprintf(&b, "  max-parallelism = %d\n", par)
	}
	fmt.Fprintf(&b, "\n")
	fmt.Fprintf(&b, "[worker.containerd]\n  enabled = false\n")
	if err := os.WriteFile(p.config, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write engine config: %w", err)
	}
	return nil
}
