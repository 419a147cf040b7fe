package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pollInterval is how often start, stop and lock waits look again.
const pollInterval = 50 * time.Millisecond

// lockState takes the exclusive flock on path, waiting until ctx is done.
// The flock belongs to this open file description, so callers in one
// process serialise too. The returned func releases it.
func lockState(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open engine lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if err := sleep(ctx, pollInterval); err != nil {
			f.Close()
			return nil, fmt.Errorf("wait for engine lock %s: %w", path, err)
		}
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// writePID records pid in path.
func writePID(path string, pid int) error {
	if err := os.WriteFile(path, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		return fmt.Errorf("write engine pid file: %w", err)
	}
	return nil
}

// runningPID returns the pid recorded in p.pid when that process is alive
// and is the buildkitd serving p.root (pids get reused).
func runningPID(p paths) (int, bool) {
	pid := recordedPID(p)
	if pid <= 0 || !alive(pid) {
		return 0, false
	}
	return pid, servesRoot(pid, p.root)
}

// recordedPID returns the pid in p.pid, alive or not; 0 if there is none.
func recordedPID(p paths) int {
	b, err := os.ReadFile(p.pid)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// servesRoot reports whether pid's command line names root, i.e. it is the
// buildkitd started for this state dir.
func servesRoot(pid int, root string) bool {
	cmdline, err := readCmdline(pid)
	if err != nil {
		return false
	}
	for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
		if string(arg) == root {
			return true
		}
	}
	return false
}

// Engine shutdown timeouts: buildkitd gets stopGrace to exit on SIGTERM,
// then killGrace after SIGKILL.
const (
	stopGrace = 15 * time.Second
	killGrace = 5 * time.Second
)

// terminate sends SIGTERM to pid, waits, then SIGKILLs its process group
// (buildkitd leads its own session).
func terminate(ctx context.Context, pid int) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop engine pid %d: %w", pid, err)
	}
	if waitExit(ctx, pid, stopGrace) {
		return nil
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	if waitExit(ctx, pid, killGrace) {
		return nil
	}
	return errEngineStuck(pid, ctx.Err())
}

// waitExit polls until pid is gone, d passes or ctx is done.
func waitExit(ctx context.Context, pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for alive(pid) {
		if time.Now().After(deadline) || sleep(ctx, pollInterval) != nil {
			return false
		}
	}
	return true
}

// readCmdline reads pid's command line. A process in the middle of execve
// shows an empty one for a moment (its new arguments are not mapped yet,
// though its parent may already have seen the exec succeed), so an empty
// command line of a live process is read again, for up to half a second.
func readCmdline(pid int) ([]byte, error) {
	for range 50 {
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || len(cmdline) > 0 || !alive(pid) {
			return cmdline, err
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil, nil
}
